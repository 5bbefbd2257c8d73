import Foundation

/// A JSON document held as a value, for the parts of a message or a file whose shape is open.
///
/// Jupyter metadata, MIME bundles, neuroglancer states and precomputed `info` files all carry
/// keys we do not model; this type keeps them intact. Integers stay exact: a 64-bit neuron ID
/// written as a JSON number must not pass through `Double`. Parsing goes through
/// `JSONParser` (errors worded by Foundation's `JSONDecoder`); compact text is written by `JSONWriter`, pretty text by `JSONEncoder`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// Any integer that fits in `Int64`.
    case int(Int64)
    /// Integers above `Int64.max` (IDs near the top of the 64-bit range).
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int64.self) { self = .int(value); return }
        if let value = try? container.decode(UInt64.self) { self = .uint(value); return }
        if let value = try? container.decode(Double.self) { self = .double(value); return }
        if let value = try? container.decode([String: JSONValue].self) { self = .object(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .uint(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// Why a piece of text could not be read as JSON.
public struct JSONError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension JSONValue {
    /// Parses UTF-8 JSON text: `JSONParser` in one pass; what it refuses goes to `JSONDecoder`, which
    /// words the error (or, should the two ever disagree, has the last word on the value).
    public static func parse(_ data: Data) throws(JSONError) -> JSONValue {
        if let value = data.withUnsafeBytes({ JSONParser.parse($0) }) { return value }
        return try decoded(data)
    }

    /// The value that starts at byte `position` of `bytes` (after any whitespace) and the byte after
    /// it, read as `parse` reads it, for readers that walk a large document's outer structure
    /// themselves; `depth` is how many arrays and objects are open around it (nesting is limited
    /// for the whole text). Nil when no value starts there, or `parse`'s own reader refuses it.
    public static func parsePrefix(_ bytes: UnsafeRawBufferPointer, at position: Int, depth: Int = 0) -> (value: JSONValue, end: Int)? {
        JSONParser.value(in: bytes, at: position, depth: depth)
    }

    /// `JSONDecoder`'s reading of `data`.
    static func decoded(_ data: Data) throws(JSONError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let error as DecodingError {
            throw JSONError(Self.describe(error))
        } catch {
            throw JSONError("\(error)")
        }
    }

    /// Parses JSON text.
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        try parse(Data(text.utf8))
    }

    /// Compact JSON text (no spaces, `/` not escaped); keys sorted when asked, for stable output.
    public func serialized(sortedKeys: Bool = false, pretty: Bool = false) -> Data {
        if !pretty {
            var writer = JSONWriter(sortedKeys: sortedKeys, capacity: estimatedSize)
            writer.write(self)
            return Data(writer.bytes)
        }
        let encoder = JSONEncoder()
        var formatting: JSONEncoder.OutputFormatting = [.withoutEscapingSlashes]
        if sortedKeys { formatting.insert(.sortedKeys) }
        if pretty { formatting.insert(.prettyPrinted) }
        encoder.outputFormatting = formatting
        // Only non-finite doubles can fail; they are written as null, which is what JSON.parse-based
        // readers (the browser) would make of them anyway.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// Roughly the length of the compact text (its strings' bytes and a little per element), so that the
    /// writer allocates once for a display message.
    var estimatedSize: Int {
        switch self {
        case .string(let text): text.utf8.count + 2
        case .array(let items): items.reduce(2) { $0 + $1.estimatedSize + 1 }
        case .object(let object): object.reduce(2) { $0 + $1.key.utf8.count + $1.value.estimatedSize + 4 }
        default: 24
        }
    }

    /// `serialized()` as a string.
    public func text(sortedKeys: Bool = false, pretty: Bool = false) -> String {
        String(decoding: serialized(sortedKeys: sortedKeys, pretty: pretty), as: UTF8.self)
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            return context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

// MARK: - Reading values

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The value as an `Int` when it is an integer (or a double with no fractional part) that fits.
    public var intValue: Int? {
        switch self {
        case .int(let value): return Int(exactly: value)
        case .uint(let value): return Int(exactly: value)
        case .double(let value): return Int(exactly: value)
        default: return nil
        }
    }

    /// The value as a `UInt64` when it is a non-negative integer (number or decimal string).
    public var uint64Value: UInt64? {
        switch self {
        case .int(let value): return UInt64(exactly: value)
        case .uint(let value): return value
        case .double(let value): return UInt64(exactly: value)
        case .string(let value): return UInt64(value)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .uint(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
