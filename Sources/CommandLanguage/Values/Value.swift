/// A value of the command language: what variables hold, commands take and return, and cells show.
///
/// Domain objects (images, scenes, datasets) travel as `.custom`, so the language carries them without
/// knowing them; the kernel maps each value to a MIME bundle.
public enum Value: Sendable {
    case null
    case bool(Bool)
    /// Wide enough for every unsigned 64-bit neuron ID and its negation.
    case int(Int128)
    case float(Double)
    case string(String)
    case list([Value])
    /// A coordinate tuple such as `(24899, 14436, 3739)`.
    case vector([Value])
    // Boxed (`indirect`): an existential payload made every `Value` address-only, so each copy of a
    // list element went through the type's value witness (2 ms of `roots` on a 100,000-ID list), and a
    // table's inline fields made every value 49 bytes. Boxed, a value is 17 bytes and copies inline.
    indirect case record(Record)
    indirect case table(Table)
    indirect case custom(any CustomValue)

    /// The kind as a user reads it in messages and in `vars`: "integer", "list", "table", ...
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .float: return "number"
        case .string: return "string"
        case .list: return "list"
        case .vector: return "vector"
        case .record: return "record"
        case .table: return "table"
        case .custom(let value): return value.kindName
        }
    }
}

/// A domain value riding through the language (an image, a scene, a dataset).
public protocol CustomValue: Sendable {
    /// The kind shown in `vars` and in error messages, e.g. "image".
    var kindName: String { get }
    /// The `text/plain` form.
    var plainText: String { get }
    /// Whether two custom values are the same; by default, same kind and same text.
    func isEqual(to other: any CustomValue) -> Bool
}

extension CustomValue {
    public func isEqual(to other: any CustomValue) -> Bool {
        kindName == other.kindName && plainText == other.plainText
    }
}

extension Value: Equatable {
    /// Structural equality, compared with a work list rather than recursion so that values at the
    /// nesting limit compare on any thread (see `Value+Nesting.swift`).
    public static func == (lhs: Value, rhs: Value) -> Bool {
        var pending: [(Value, Value)] = [(lhs, rhs)]
        while let (a, b) = pending.popLast() {
            switch (a, b) {
            case let (.list(x), .list(y)), let (.vector(x), .vector(y)):
                guard x.count == y.count else { return false }
                pending.append(contentsOf: zip(x, y))
            case let (.record(x), .record(y)):
                guard x.count == y.count else { return false }
                for (e, f) in zip(x.entries, y.entries) {
                    guard e.key == f.key else { return false }
                    pending.append((e.value, f.value))
                }
            default:
                guard sameScalar(a, b) else { return false }
            }
        }
        return true
    }

    /// Equality of two values neither of which holds other values (containers of different kinds differ).
    private static func sameScalar(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.float(a), .float(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.table(a), .table(b)): return a == b
        case let (.custom(a), .custom(b)): return a.isEqual(to: b)
        default: return false
        }
    }
}

extension Value: CustomStringConvertible {
    /// The nested form (strings quoted), which reads unambiguously in logs and test failures.
    public var description: String { nestedText }
}

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral {
    public init(integerLiteral value: Int) { self = .int(Int128(value)) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .null }
}
