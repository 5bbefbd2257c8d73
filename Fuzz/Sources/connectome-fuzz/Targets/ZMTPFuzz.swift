import Foundation
import JupyterZMQ

extension FuzzTarget {
    /// What a peer writes on one of the kernel's sockets: ZMTP greeting, commands and message frames.
    ///
    /// The first byte picks how the rest is cut into the reads the transport would see (1 to 256 bytes
    /// each). The stream is decoded cut and whole, and the two must agree, events or error alike: a
    /// decoder that depends on where `recv` happened to split the bytes traps. Every READY's metadata is
    /// parsed as the transport parses it.
    static let zmtp = FuzzTarget(name: "zmtp", summary: "ZMTP 3 stream decoder (the kernel's sockets)") { data in
        guard let first = data.first else { return }
        let stream = Array(data.dropFirst())
        var limits = ZMTPLimits()
        // Small enough for the limits to be reached by a mutated input.
        limits.messageBytes = 1 << 16
        limits.frames = 64
        limits.commandBytes = 1 << 10
        let whole = decode(stream, limits: limits, cut: max(stream.count, 1))
        let cut = decode(stream, limits: limits, cut: Int(first) + 1)
        guard whole == cut else {
            fatalError("zmtp: decoding in reads of \(Int(first) + 1) bytes gave \(cut), whole gave \(whole)")
        }
        if case .success(let events) = whole {
            for case .command("READY", let body) in events {
                let properties = try? ZMTPDecoder.properties(ofReady: body)
                if verbose { print("zmtp READY: \(properties.map { "\($0)" } ?? "bad metadata")") }
            }
        }
    }

    private static func decode(_ stream: [UInt8], limits: ZMTPLimits, cut: Int) -> Result<[ZMTPEvent], ZMTPProtocolError> {
        var decoder = ZMTPDecoder(limits: limits)
        var events: [ZMTPEvent] = []
        var start = 0
        while start < stream.count {
            let end = min(start + cut, stream.count)
            do throws(ZMTPProtocolError) {
                events += try stream[start..<end].withUnsafeBytes { raw in
                    Result { () throws(ZMTPProtocolError) in try decoder.feed(raw) }
                }.get()
            } catch {
                return .failure(error)
            }
            start = end
        }
        return .success(events)
    }
}
