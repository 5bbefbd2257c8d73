import Foundation
import JSONModel
import Synchronization

/// Builds signed outgoing frames: fresh `msg_id`, this process's session, `date`, `version` "5.3".
///
/// Headers are written by hand (a handful of known ASCII fields) because building them through an encoder
/// would cost more than everything else in a status message.
public struct MessageFactory: Sendable {
    public static let protocolVersion = "5.3"
    static let emptyObject = Data("{}".utf8)

    public let session: String
    public let username: String
    public let signer: MessageSigner
    private let counter = MessageCounter()
    /// The header's bytes up to the message count: `{"msg_id":"<session>_<pid>_`. Message IDs are this and a
    /// count, as jupyter_client's `Session.msg_id` makes them: unique per kernel process without a random
    /// UUID (and its formatting) per message.
    private let headerStart: [UInt8]
    /// From after `msg_type` to the date's opening quote: `,"session":"…","username":"…","date":"`.
    private let headerMiddle: [UInt8]
    /// Between the message count and the message type.
    private static let headerCountEnd = Array(#"","msg_type":"#.utf8)
    private static let headerEnd = Array("\",\"version\":\"\(protocolVersion)\"}".utf8)

    public init(signer: MessageSigner, session: String = UUID().uuidString.lowercased(), username: String = "kernel") {
        self.signer = signer
        self.session = session
        self.username = username
        var start = Array(#"{"msg_id":"#.utf8)
        JSONText.appendString("\(session)_\(getpid())_", to: &start)
        start.removeLast()  // the closing quote: the count follows inside the string
        headerStart = start
        var middle = Array(#","session":"#.utf8)
        JSONText.appendString(session, to: &middle)
        middle += Array(#","username":"#.utf8)
        JSONText.appendString(username, to: &middle)
        middle += Array(#","date":""#.utf8)
        headerMiddle = middle
    }

    /// The frames of one message. `parent` is the raw header of the request (or nil for an empty parent).
    public func frames(msgType: String, content: Data, parent: Data?, identities: [Data],
                       metadata: Data? = nil) -> [Data] {
        let header = headerBytes(msgType: msgType)
        let parent = parent ?? Self.emptyObject
        let metadata = metadata ?? Self.emptyObject
        let signature = signer.signature(header: header, parentHeader: parent, metadata: metadata, content: content)
        var frames = identities
        frames.reserveCapacity(identities.count + 6)
        frames.append(WireMessage.delimiter)
        frames.append(Data(signature.utf8))
        frames.append(header)
        frames.append(parent)
        frames.append(metadata)
        frames.append(content)
        return frames
    }

    public func frames(msgType: String, content: JSONValue, parent: Data?, identities: [Data]) -> [Data] {
        frames(msgType: msgType, content: content.serialized(), parent: parent, identities: identities)
    }

    /// The IOPub topic frame for a message type (the IPython convention, `kernel.<session>.<msg_type>`).
    public func topic(_ msgType: String) -> Data {
        Data("kernel.\(session).\(msgType)".utf8)
    }

    /// Written as bytes from parts made once per kernel: a header per message is on every round trip, and
    /// building it as a String (scalar by scalar) was an eighth of a trivial cell's CPU time.
    func headerBytes(msgType: String) -> Data {
        var bytes = headerStart
        bytes.reserveCapacity(headerStart.count + headerMiddle.count + msgType.utf8.count + 80)
        // Digits by hand: `String(count).utf8` appended here cost up to 25 µs more kernel CPU per trivial cell (measured).
        var count = counter.next()
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(48 + count % 10))
            count /= 10
        } while count > 0
        bytes += digits.reversed()
        bytes += Self.headerCountEnd
        JSONText.appendString(msgType, to: &bytes)
        bytes += headerMiddle
        Timestamp.append(to: &bytes)
        bytes += Self.headerEnd
        return Data(bytes)
    }
}

/// The count in message IDs, shared by every copy of a factory.
final class MessageCounter: Sendable {
    private let value = Atomic<UInt64>(0)

    func next() -> UInt64 {
        value.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}

/// Minimal JSON string quoting for hand-built headers, on UTF-8 bytes (bytes ≥ 0x80 pass through).
enum JSONText {
    private static let hex = Array("0123456789abcdef".utf8)

    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                out += Array(#"\u00"#.utf8)
                out += [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
