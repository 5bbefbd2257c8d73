import JSONModel

/// `complete_request`: `cursor_pos` is a Unicode code-point offset.
public struct CompleteRequest: Decodable, Sendable, Equatable {
    public var code: String
    public var cursorPos: Int

    enum CodingKeys: String, CodingKey {
        case code
        case cursorPos = "cursor_pos"
    }
}

/// `inspect_request`; `detail_level` defaults to 0.
public struct InspectRequest: Decodable, Sendable, Equatable {
    public var code: String
    public var cursorPos: Int
    public var detailLevel: Int

    enum CodingKeys: String, CodingKey {
        case code
        case cursorPos = "cursor_pos"
        case detailLevel = "detail_level"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        cursorPos = try container.decode(Int.self, forKey: .cursorPos)
        detailLevel = try container.decodeIfPresent(Int.self, forKey: .detailLevel) ?? 0
    }
}

/// `is_complete_request`.
public struct IsCompleteRequest: Decodable, Sendable, Equatable {
    public var code: String
}

/// `shutdown_request`; `restart` defaults to false.
public struct ShutdownRequest: Decodable, Sendable, Equatable {
    public var restart: Bool

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        restart = try container.decodeIfPresent(Bool.self, forKey: .restart) ?? false
    }

    enum CodingKeys: String, CodingKey {
        case restart
    }
}

/// `comm_info_request`; `target_name` optional.
public struct CommInfoRequest: Decodable, Sendable, Equatable {
    public var targetName: String?

    enum CodingKeys: String, CodingKey {
        case targetName = "target_name"
    }
}

/// `comm_open` from a client.
public struct CommOpen: Decodable, Sendable, Equatable {
    public var commID: String
    public var targetName: String

    enum CodingKeys: String, CodingKey {
        case commID = "comm_id"
        case targetName = "target_name"
    }
}

/// `input_reply` on stdin.
public struct InputReply: Decodable, Sendable, Equatable {
    public var value: String
}

/// `history_request`. Only `hist_access_type` is required; the rest default as IPython does
/// (`session` 0 = this session, negative counts back; `start` 0; `stop` open; `pattern` "*").
public struct HistoryRequest: Decodable, Sendable, Equatable {
    public enum AccessType: String, Decodable, Sendable {
        case range, tail, search
    }

    public var accessType: AccessType
    public var output: Bool
    public var raw: Bool
    public var session: Int
    public var start: Int
    public var stop: Int?
    public var n: Int?
    public var pattern: String
    public var unique: Bool

    public init(accessType: AccessType, output: Bool = false, raw: Bool = true, session: Int = 0, start: Int = 0,
                stop: Int? = nil, n: Int? = nil, pattern: String = "*", unique: Bool = false) {
        self.accessType = accessType
        self.output = output
        self.raw = raw
        self.session = session
        self.start = start
        self.stop = stop
        self.n = n
        self.pattern = pattern
        self.unique = unique
    }

    enum CodingKeys: String, CodingKey {
        case accessType = "hist_access_type"
        case output, raw, session, start, stop, n, pattern, unique
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            accessType: try container.decode(AccessType.self, forKey: .accessType),
            output: try container.decodeIfPresent(Bool.self, forKey: .output) ?? false,
            raw: try container.decodeIfPresent(Bool.self, forKey: .raw) ?? true,
            session: try container.decodeIfPresent(Int.self, forKey: .session) ?? 0,
            start: try container.decodeIfPresent(Int.self, forKey: .start) ?? 0,
            stop: try container.decodeIfPresent(Int.self, forKey: .stop),
            n: try container.decodeIfPresent(Int.self, forKey: .n),
            pattern: try container.decodeIfPresent(String.self, forKey: .pattern) ?? "*",
            unique: try container.decodeIfPresent(Bool.self, forKey: .unique) ?? false)
    }
}
