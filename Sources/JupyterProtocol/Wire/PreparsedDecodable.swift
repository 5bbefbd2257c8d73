import JSONModel

/// A wire type that can be built from already parsed JSON, for the messages every cell sends.
///
/// Why: `JSONDecoder` costs several times what `JSONValue.parse` does on a small object, and the header
/// and the `execute_request` content are decoded for every cell. The strict decoder stays the authority:
/// `init?(json:)` returns nil for anything it is not sure of (a missing key, another type), and the caller
/// then decodes with `JSONDecoder`, which accepts it or refuses it with its usual wording.
protocol PreparsedDecodable: Decodable {
    init?(json: JSONValue)
}

extension JSONValue {
    /// For a `PreparsedDecodable` field that may be absent: `.some(nil)` when absent or null (as
    /// `decodeIfPresent` reads it), `.some(value)` for a string, nil (let the strict decoder judge) otherwise.
    func optionalString(_ key: String) -> String?? {
        switch self[key] {
        case nil, .null?: .some(nil)
        case .string(let value)?: .some(value)
        default: nil
        }
    }

    /// Like `optionalString`, for booleans.
    func optionalBool(_ key: String) -> Bool?? {
        switch self[key] {
        case nil, .null?: .some(nil)
        case .bool(let value)?: .some(value)
        default: nil
        }
    }
}
