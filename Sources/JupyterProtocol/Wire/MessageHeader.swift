import JSONModel

/// A message header as clients send it.
///
/// `msg_id`, `msg_type` and `session` are required; `username`, `date` and `version` are optional because
/// older clients omit some of them, but when present they must be strings. Unknown keys (e.g. `subshell_id`)
/// are ignored here and survive untouched, because replies echo the raw header bytes as their parent.
public struct MessageHeader: Codable, Sendable, Equatable {
    public var msgID: String
    public var msgType: String
    public var session: String
    public var username: String?
    public var date: String?
    public var version: String?

    public init(msgID: String, msgType: String, session: String, username: String? = nil, date: String? = nil,
                version: String? = nil) {
        self.msgID = msgID
        self.msgType = msgType
        self.session = session
        self.username = username
        self.date = date
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case msgID = "msg_id"
        case msgType = "msg_type"
        case session, username, date, version
    }
}

extension MessageHeader: PreparsedDecodable {
    init?(json: JSONValue) {
        guard case .object = json, case .string(let msgID)? = json["msg_id"],
              case .string(let msgType)? = json["msg_type"], case .string(let session)? = json["session"],
              let username = json.optionalString("username"), let date = json.optionalString("date"),
              let version = json.optionalString("version")
        else { return nil }
        self.init(msgID: msgID, msgType: msgType, session: session, username: username, date: date, version: version)
    }
}
