import Foundation

/// What a peer's bytes turn into, in order.
public enum ZMTPEvent: Equatable, Sendable {
    /// The peer's 64-byte greeting (always the first event).
    case greeting(ZMTPGreeting)
    /// A command frame: its name and the bytes after the name (for READY, the metadata).
    case command(name: String, body: Data)
    /// A complete multipart message.
    case message([Data])
}

/// The parts of a peer's greeting the transport decides on (RFC 23, ZMTP 3.0).
public struct ZMTPGreeting: Equatable, Sendable {
    public var major: UInt8
    public var minor: UInt8
    public var mechanism: String
}

/// Bytes from a peer that break ZMTP or our limits; the connection is closed with this as the reason.
public struct ZMTPProtocolError: Error, Equatable, CustomStringConvertible {
    public var description: String
}

/// The most a peer may make us hold. A Jupyter message is a few KiB; comm messages with buffers
/// (widgets uploading a file) can be tens of MiB. Nothing is allocated from a declared size beyond
/// what has arrived, so these bound what a peer can make us keep, not what one header can ask for.
public struct ZMTPLimits: Sendable {
    /// One multipart message, all frames together.
    public var messageBytes = 1 << 30
    /// Frames in one message (a Jupyter message has 6 plus its buffers).
    public var frames = 1 << 16
    /// One command frame (READY's metadata is a few dozen bytes).
    public var commandBytes = 1 << 16

    public init() {}
}

/// The flags byte that starts every ZMTP frame; the decoder reads them, `ZMTPEncoding` writes them.
enum ZMTPFrameFlag {
    /// More frames of the same message follow.
    static let more: UInt8 = 1
    /// The size is 8 bytes (big-endian), not 1.
    static let long: UInt8 = 2
    /// A command (READY, PING, …), not message data.
    static let command: UInt8 = 4
}

/// Turns the byte stream of one ZMTP 3.x connection into greeting, commands and messages.
///
/// Written by hand because no library here speaks ZMTP without libzmq, whose I/O thread sits between the
/// socket and the thread that handles a request (two extra thread hand-offs per round trip). The stream
/// may arrive cut anywhere; the decoder keeps only the unfinished header and the unfinished message.
public struct ZMTPDecoder {
    static let greetingSize = 64

    public let limits: ZMTPLimits
    private var header: [UInt8] = []
    private var greeted = false
    /// The frame being filled: its flags, declared size and the bytes so far.
    private var body: (flags: UInt8, size: Int, bytes: Data)?
    private var frames: [Data] = []
    private var messageBytes = 0

    public init(limits: ZMTPLimits = ZMTPLimits()) {
        self.limits = limits
    }

    /// Consumes `input` whole and returns what it completed.
    public mutating func feed(_ input: UnsafeRawBufferPointer) throws(ZMTPProtocolError) -> [ZMTPEvent] {
        var events: [ZMTPEvent] = []
        var rest = input[...]
        while !rest.isEmpty {
            if !greeted {
                let take = min(Self.greetingSize - header.count, rest.count)
                header.append(contentsOf: rest.prefix(take))
                rest = rest.dropFirst(take)
                // The signature decides early, so a peer speaking another protocol is dropped at once.
                if header.count >= 10 {
                    guard header[0] == 0xFF, header[9] & 1 == 1 else {
                        throw ZMTPProtocolError(description: "not a ZMTP peer (the greeting's signature is wrong)")
                    }
                }
                if header.count == Self.greetingSize {
                    events.append(.greeting(try Self.greeting(header)))
                    header.removeAll(keepingCapacity: true)
                    greeted = true
                }
            } else if var current = body {
                let take = min(current.size - current.bytes.count, rest.count)
                if take > 0, let base = UnsafeRawBufferPointer(rebasing: rest).baseAddress {
                    current.bytes.append(base.assumingMemoryBound(to: UInt8.self), count: take)
                }
                rest = rest.dropFirst(take)
                body = nil
                if current.bytes.count == current.size {
                    if let event = try finish(flags: current.flags, bytes: current.bytes) { events.append(event) }
                } else {
                    body = current
                }
            } else {
                header.append(rest.first!)
                rest = rest.dropFirst()
                let flags = header[0]
                guard flags & ~(ZMTPFrameFlag.more | ZMTPFrameFlag.long | ZMTPFrameFlag.command) == 0 else {
                    throw ZMTPProtocolError(description: "frame flags \(flags) have reserved bits set")
                }
                let needed = flags & ZMTPFrameFlag.long != 0 ? 9 : 2
                let take = min(needed - header.count, rest.count)
                header.append(contentsOf: rest.prefix(take))
                rest = rest.dropFirst(take)
                guard header.count == needed else { continue }
                let size = try frameSize(flags: flags)
                header.removeAll(keepingCapacity: true)
                if size == 0 {
                    if let event = try finish(flags: flags, bytes: Data()) { events.append(event) }
                } else {
                    var bytes = Data()
                    bytes.reserveCapacity(min(size, 1 << 20))
                    body = (flags, size, bytes)
                }
            }
        }
        return events
    }

    /// The declared size of the frame whose header is in `header`, checked against the limits.
    private func frameSize(flags: UInt8) throws(ZMTPProtocolError) -> Int {
        let declared: UInt64
        if flags & ZMTPFrameFlag.long != 0 {
            declared = header[1...8].reduce(0) { $0 << 8 | UInt64($1) }
        } else {
            declared = UInt64(header[1])
        }
        if flags & ZMTPFrameFlag.command != 0 {
            guard flags & ZMTPFrameFlag.more == 0 else {
                throw ZMTPProtocolError(description: "a command frame has the MORE flag")
            }
            guard frames.isEmpty else {
                throw ZMTPProtocolError(description: "a command arrived in the middle of a multipart message")
            }
            guard declared <= UInt64(limits.commandBytes) else {
                throw ZMTPProtocolError(description: "a command of \(declared) bytes is over the limit of \(limits.commandBytes)")
            }
        } else {
            guard declared <= UInt64(limits.messageBytes - messageBytes) else {
                throw ZMTPProtocolError(description: "a message of over \(declared) bytes is over the limit of \(limits.messageBytes)")
            }
            guard frames.count < limits.frames else {
                throw ZMTPProtocolError(description: "a message of over \(limits.frames) frames is over the limit")
            }
        }
        return Int(declared)
    }

    private mutating func finish(flags: UInt8, bytes: Data) throws(ZMTPProtocolError) -> ZMTPEvent? {
        if flags & ZMTPFrameFlag.command != 0 {
            guard let length = bytes.first.map(Int.init), length >= 1, bytes.count >= 1 + length else {
                throw ZMTPProtocolError(description: "a command frame without a valid name")
            }
            let start = bytes.startIndex
            let name = String(decoding: bytes[(start + 1)..<(start + 1 + length)], as: UTF8.self)
            return .command(name: name, body: Data(bytes[(start + 1 + length)...]))
        }
        frames.append(bytes)
        messageBytes += bytes.count
        guard flags & ZMTPFrameFlag.more == 0 else { return nil }
        defer {
            frames = []
            messageBytes = 0
        }
        return .message(frames)
    }

    private static func greeting(_ bytes: [UInt8]) throws(ZMTPProtocolError) -> ZMTPGreeting {
        let major = bytes[10], minor = bytes[11]
        guard major >= 3 else {
            throw ZMTPProtocolError(description: "ZMTP \(major).\(minor) is too old; the kernel speaks 3.0 and later")
        }
        let mechanism = String(decoding: bytes[12..<32].prefix { $0 != 0 }, as: UTF8.self)
        return ZMTPGreeting(major: major, minor: minor, mechanism: mechanism)
    }

    /// READY's metadata, names lowercased (they are case-insensitive). Sizes come from the peer and are
    /// checked against what is there.
    public static func properties(ofReady body: Data) throws(ZMTPProtocolError) -> [String: Data] {
        var properties: [String: Data] = [:]
        var index = body.startIndex
        while index < body.endIndex {
            let nameLength = Int(body[index])
            index += 1
            guard nameLength > 0, body.endIndex - index >= nameLength + 4 else {
                throw ZMTPProtocolError(description: "READY's metadata is cut short")
            }
            let name = String(decoding: body[index..<(index + nameLength)], as: UTF8.self).lowercased()
            index += nameLength
            let valueLength = body[index..<(index + 4)].reduce(0) { $0 << 8 | Int($1) }
            index += 4
            guard body.endIndex - index >= valueLength else {
                throw ZMTPProtocolError(description: "READY's property \(name) is cut short")
            }
            properties[name] = Data(body[index..<(index + valueLength)])
            index += valueLength
        }
        return properties
    }
}
