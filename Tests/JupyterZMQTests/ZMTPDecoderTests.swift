import Foundation
@testable import JupyterZMQ
import Testing

/// The ZMTP decoder on byte streams written by our encoder and by hand; what libzmq itself sends is
/// covered by `KernelServerTests`, whose client is libzmq.
@Suite struct ZMTPDecoderTests {
    /// A peer's side of a handshake as libzmq writes it: greeting (3.1, NULL), READY, then one message.
    static func stream(_ frames: [Data], identity: String = "session-1") -> [UInt8] {
        var greeting = ZMTPEncoding.greeting
        greeting[11] = 1
        var ready: [UInt8] = [5] + Array("READY".utf8)
        for (name, value) in [("Socket-Type", "DEALER"), ("Identity", identity)] {
            ready += [UInt8(name.utf8.count)] + Array(name.utf8)
            ready += [0, 0, 0, UInt8(value.utf8.count)] + Array(value.utf8)
        }
        return greeting + [4, UInt8(ready.count)] + ready + ZMTPEncoding.message(frames)
    }

    static func decode(_ bytes: [UInt8], limits: ZMTPLimits = ZMTPLimits(), pieces: Int? = nil) throws(ZMTPProtocolError) -> [ZMTPEvent] {
        var decoder = ZMTPDecoder(limits: limits)
        var events: [ZMTPEvent] = []
        let step = pieces ?? max(bytes.count, 1)
        var start = 0
        while start < bytes.count {
            let end = min(start + step, bytes.count)
            let chunk = Array(bytes[start..<end])
            events += try chunk.withUnsafeBytes { raw in
                Result { () throws(ZMTPProtocolError) in try decoder.feed(raw) }
            }.get()
            start = end
        }
        return events
    }

    static let frames = [Data("<IDS|MSG>".utf8), Data(), Data(repeating: 7, count: 300), Data("{}".utf8)]

    @Test func handshakeAndMessageWholeOrByteByByte() throws {
        let bytes = Self.stream(Self.frames)
        let whole = try Self.decode(bytes)
        #expect(whole.count == 3)
        #expect(whole[0] == .greeting(ZMTPGreeting(major: 3, minor: 1, mechanism: "NULL")))
        guard case .command("READY", let body) = whole[1] else {
            Issue.record("no READY: \(whole[1])")
            return
        }
        let properties = try ZMTPDecoder.properties(ofReady: body)
        #expect(properties == ["socket-type": Data("DEALER".utf8), "identity": Data("session-1".utf8)])
        // The 300-byte frame takes the 8-byte size form.
        #expect(whole[2] == .message(Self.frames))
        for pieces in [1, 2, 7, 63, 65, 300] {
            #expect(try Self.decode(bytes, pieces: pieces) == whole, "cut every \(pieces) bytes")
        }
    }

    @Test func ourReadyAnnouncesTheSocketType() throws {
        let ready = ZMTPEncoding.ready(socketType: "XPUB")
        let events = try Self.decode(ZMTPEncoding.greeting + ready)
        guard case .command("READY", let body) = events.last else {
            Issue.record("no READY: \(events)")
            return
        }
        #expect(try ZMTPDecoder.properties(ofReady: body) == ["socket-type": Data("XPUB".utf8)])
    }

    @Test func rejectsWhatIsNotZMTP3() throws {
        // An HTTP client on the port.
        #expect(throws: ZMTPProtocolError.self) { try Self.decode(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) }
        var old = ZMTPEncoding.greeting
        old[10] = 2
        #expect(throws: ZMTPProtocolError(description: "ZMTP 2.0 is too old; the kernel speaks 3.0 and later")) {
            try Self.decode(old)
        }
    }

    @Test func rejectsBrokenFrames() throws {
        let greeting = ZMTPEncoding.greeting
        let cases: [(String, [UInt8])] = [
            ("reserved flag bits", greeting + [0x08, 0]),
            ("a command with MORE", greeting + [0x05, 1, 0]),
            ("a command inside a message", greeting + [0x01, 1, 65, 0x04, 1, 0]),
            ("a command without a name", greeting + [0x04, 0]),
            ("a command name longer than the frame", greeting + [0x04, 2, 9, 65]),
        ]
        for (what, bytes) in cases {
            #expect(throws: ZMTPProtocolError.self, "\(what)") { try Self.decode(bytes) }
        }
    }

    @Test func declaredSizesAreBoundedBeforeAnythingIsKept() throws {
        var limits = ZMTPLimits()
        limits.messageBytes = 1000
        limits.frames = 3
        limits.commandBytes = 100
        let greeting = ZMTPEncoding.greeting
        // 2^63 − 1 declared: refused from the header alone, nothing allocated.
        #expect(throws: ZMTPProtocolError.self) {
            try Self.decode(greeting + [0x02, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], limits: limits)
        }
        #expect(throws: ZMTPProtocolError.self) {
            try Self.decode(greeting + [0x06, 0, 0, 0, 0, 0, 0, 0, 101], limits: limits)
        }
        // Two frames of 600 bytes: the second takes the message over 1000.
        let big = ZMTPEncoding.message([Data(count: 600), Data(count: 600)])
        #expect(throws: ZMTPProtocolError.self) { try Self.decode(greeting + big, limits: limits) }
        #expect(throws: ZMTPProtocolError.self) {
            try Self.decode(greeting + ZMTPEncoding.message((0..<4).map { _ in Data() }), limits: limits)
        }
        #expect(try Self.decode(greeting + ZMTPEncoding.message((0..<3).map { _ in Data() }), limits: limits).count == 2)
    }

    @Test func readyMetadataCutShort() throws {
        let cases: [Data] = [
            Data([11]) + Data("Socket-Type".utf8),
            Data([11]) + Data("Socket-Type".utf8) + Data([0, 0, 0, 9]) + Data("DEA".utf8),
            Data([0, 0, 0, 0, 0]),
        ]
        for body in cases {
            #expect(throws: ZMTPProtocolError.self) { try ZMTPDecoder.properties(ofReady: body) }
        }
        #expect(try ZMTPDecoder.properties(ofReady: Data()) == [:])
    }
}
