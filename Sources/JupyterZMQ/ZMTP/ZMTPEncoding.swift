import Foundation

/// The bytes the kernel writes on a ZMTP connection: greeting, commands and messages (RFC 23, ZMTP 3.0).
enum ZMTPEncoding {
    /// Version 3.0, mechanism NULL, not as-server. We announce 3.0 so that libzmq peers send subscriptions
    /// as `\u{1}topic` messages, the form XPUB hands up; 3.1's SUBSCRIBE commands are understood as well.
    static let greeting: [UInt8] = {
        var bytes = [UInt8](repeating: 0, count: ZMTPDecoder.greetingSize)
        bytes[0] = 0xFF
        bytes[9] = 0x7F
        bytes[10] = 3
        bytes[11] = 0
        for (index, byte) in "NULL".utf8.enumerated() { bytes[12 + index] = byte }
        return bytes
    }()

    /// The NULL mechanism's READY command, announcing our socket type.
    static func ready(socketType: String) -> [UInt8] {
        var body: [UInt8] = []
        appendProperty("Socket-Type", Array(socketType.utf8), to: &body)
        return command("READY", body)
    }

    /// A command frame: name length, name, body.
    static func command(_ name: String, _ body: [UInt8]) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        var out: [UInt8] = []
        appendHeader(flags: ZMTPFrameFlag.command, size: 1 + nameBytes.count + body.count, to: &out)
        out.append(UInt8(nameBytes.count))
        out += nameBytes
        out += body
        return out
    }

    /// One multipart message, every frame with its header, in one buffer: one `send` per message.
    static func message<Frames: Collection<Data>>(_ frames: Frames) -> [UInt8] {
        var total = 0
        for frame in frames { total += frame.count + 9 }
        var out: [UInt8] = []
        out.reserveCapacity(total)
        var remaining = frames.count
        for frame in frames {
            remaining -= 1
            appendHeader(flags: remaining > 0 ? ZMTPFrameFlag.more : 0, size: frame.count, to: &out)
            frame.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    private static func appendHeader(flags: UInt8, size: Int, to out: inout [UInt8]) {
        if size <= 255 {
            out.append(flags)
            out.append(UInt8(size))
        } else {
            out.append(flags | ZMTPFrameFlag.long)
            appendBigEndian(UInt64(size), to: &out)
        }
    }

    private static func appendBigEndian(_ value: some FixedWidthInteger, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    private static func appendProperty(_ name: String, _ value: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(name.utf8.count))
        out += Array(name.utf8)
        appendBigEndian(UInt32(value.count), to: &out)
        out += value
    }
}
