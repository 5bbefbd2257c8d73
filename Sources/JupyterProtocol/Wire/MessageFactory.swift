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
    /// `<session>_<pid>_`: message IDs are this and a count, as jupyter_client's `Session.msg_id` makes
    /// them; unique per kernel process without a random UUID (and its formatting) per message.
    private let idPrefix: String

    public init(signer: MessageSigner, session: String = UUID().uuidString.lowercased(), username: String = "kernel") {
        self.signer = signer
        self.session = session
        self.username = username
        self.idPrefix = "\(session)_\(getpid())_"
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

    func headerBytes(msgType: String) -> Data {
        var text = "{\"msg_id\":"
        JSONText.appendString(idPrefix + String(counter.next()), to: &text)
        text += ",\"msg_type\":"
        JSONText.appendString(msgType, to: &text)
        text += ",\"session\":"
        JSONText.appendString(session, to: &text)
        text += ",\"username\":"
        JSONText.appendString(username, to: &text)
        text += ",\"date\":\""
        text += Timestamp.now()
        text += "\",\"version\":\"\(Self.protocolVersion)\"}"
        return Data(text.utf8)
    }
}

/// The count in message IDs, shared by every copy of a factory.
final class MessageCounter: Sendable {
    private let value = Atomic<UInt64>(0)

    func next() -> UInt64 {
        value.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}

/// Minimal JSON string quoting for hand-built headers.
enum JSONText {
    static func appendString(_ value: String, to text: inout String) {
        text.append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text.append("\"")
    }
}
