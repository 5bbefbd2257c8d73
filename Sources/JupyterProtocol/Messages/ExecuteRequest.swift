import JSONModel

/// `execute_request` content, with only the spec's defaults: `silent` false, `store_history` `!silent`
/// (and forced off when silent), `user_expressions` empty, `allow_stdin` true, `stop_on_error` true.
public struct ExecuteRequest: Decodable, Sendable, Equatable {
    public var code: String
    public var silent: Bool
    public var storeHistory: Bool
    public var userExpressions: [String: String]
    public var allowStdin: Bool
    public var stopOnError: Bool

    public init(code: String, silent: Bool = false, storeHistory: Bool? = nil, userExpressions: [String: String] = [:],
                allowStdin: Bool = true, stopOnError: Bool = true) {
        self.code = code
        self.silent = silent
        self.storeHistory = silent ? false : (storeHistory ?? true)
        self.userExpressions = userExpressions
        self.allowStdin = allowStdin
        self.stopOnError = stopOnError
    }

    enum CodingKeys: String, CodingKey {
        case code, silent
        case storeHistory = "store_history"
        case userExpressions = "user_expressions"
        case allowStdin = "allow_stdin"
        case stopOnError = "stop_on_error"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try container.decode(String.self, forKey: .code),
            silent: try container.decodeIfPresent(Bool.self, forKey: .silent) ?? false,
            storeHistory: try container.decodeIfPresent(Bool.self, forKey: .storeHistory),
            userExpressions: try container.decodeIfPresent([String: String].self, forKey: .userExpressions) ?? [:],
            allowStdin: try container.decodeIfPresent(Bool.self, forKey: .allowStdin) ?? true,
            stopOnError: try container.decodeIfPresent(Bool.self, forKey: .stopOnError) ?? true)
    }
}

extension ExecuteRequest: PreparsedDecodable {
    init?(json: JSONValue) {
        guard case .object = json, case .string(let code)? = json["code"],
              let silent = json.optionalBool("silent"), let storeHistory = json.optionalBool("store_history"),
              let allowStdin = json.optionalBool("allow_stdin"), let stopOnError = json.optionalBool("stop_on_error")
        else { return nil }
        var expressions: [String: String] = [:]
        switch json["user_expressions"] {
        case nil, .null?: break
        case .object(let object)?:
            for (name, value) in object {
                guard case .string(let expression) = value else { return nil }
                expressions[name] = expression
            }
        default: return nil
        }
        self.init(code: code, silent: silent ?? false, storeHistory: storeHistory, userExpressions: expressions,
                  allowStdin: allowStdin ?? true, stopOnError: stopOnError ?? true)
    }
}
