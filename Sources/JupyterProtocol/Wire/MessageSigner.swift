import Crypto
import Foundation

/// Signs and verifies messages with HMAC-SHA256 over header, parent header, metadata and content.
///
/// An empty key turns authentication off (empty signature), as the spec says.
public struct MessageSigner: Sendable {
    /// An HMAC with the key already taken in, copied for each message: keying (padding the key,
    /// hashing its inner block, keeping the outer one) was 5 % of a trivial cell's kernel CPU, done
    /// afresh for each of the five messages. A copy shares the hash state until its first update
    /// (swift-crypto's digests are copy-on-write), so the copies never touch this one.
    private struct Keyed: @unchecked Sendable {
        let mac: HMAC<SHA256>
    }

    private let key: Keyed?

    public init(key: String) {
        self.init(keyBytes: Array(key.utf8))
    }

    public init(keyBytes: [UInt8]) {
        key = keyBytes.isEmpty ? nil : Keyed(mac: HMAC<SHA256>(key: SymmetricKey(data: keyBytes)))
    }

    /// Whether messages are signed (the key is not empty).
    public var isEnabled: Bool { key != nil }

    /// The lowercase hex digest, or "" when signing is off.
    public func signature(header: Data, parentHeader: Data, metadata: Data, content: Data) -> String {
        guard let key else { return "" }
        var mac = key.mac
        mac.update(data: header)
        mac.update(data: parentHeader)
        mac.update(data: metadata)
        mac.update(data: content)
        return Self.hex(mac.finalize())
    }

    /// Compares `signature` with the expected digest in constant time; any signature passes when signing is off.
    public func verify(signature: Data, header: Data, parentHeader: Data, metadata: Data, content: Data) -> Bool {
        guard isEnabled else { return true }
        let expected = self.signature(header: header, parentHeader: parentHeader, metadata: metadata, content: content)
        let expectedBytes = Array(expected.utf8)
        guard signature.count == expectedBytes.count else { return false }
        var difference: UInt8 = 0
        for (index, byte) in signature.enumerated() {
            difference |= byte ^ expectedBytes[index]
        }
        return difference == 0
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ code: HMAC<SHA256>.MAC) -> String {
        code.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: raw.count * 2) { out in
                for (index, byte) in raw.enumerated() {
                    out[2 * index] = hexDigits[Int(byte >> 4)]
                    out[2 * index + 1] = hexDigits[Int(byte & 0x0F)]
                }
                return raw.count * 2
            }
        }
    }
}
