/// Why a multipart message from a client could not be accepted.
///
/// Each case names the offending part so the log line says what the client sent wrong; the kernel
/// drops such messages and keeps serving.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `<IDS|MSG>` frame: not a Jupyter message at all.
    case missingDelimiter(frameCount: Int)
    /// Fewer than the five frames (signature, header, parent, metadata, content) after the delimiter.
    case truncated(framesAfterDelimiter: Int)
    /// The HMAC did not match the connection file's key.
    case badSignature(received: String)
    /// A part is not valid JSON or does not have the required shape.
    case malformed(part: String, detail: String)

    public var description: String {
        switch self {
        case .missingDelimiter(let count):
            return "message of \(count) frame(s) has no <IDS|MSG> delimiter; the sender is not speaking the Jupyter wire protocol"
        case .truncated(let count):
            return "message has \(count) frame(s) after <IDS|MSG>, expected at least 5 (signature, header, parent_header, metadata, content)"
        case .badSignature(let received):
            return "HMAC signature '\(received.prefix(80))' does not match; the client uses a different key than the connection file"
        case .malformed(let part, let detail):
            return "\(part) is malformed: \(detail)"
        }
    }
}
