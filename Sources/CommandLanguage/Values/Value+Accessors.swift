/// Typed views of a value; nil when the value is not of that kind or does not fit.
extension Value {
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var asBool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer, also from a float with no fractional part (`1e3` is 1000).
    public var asInt128: Int128? {
        switch self {
        case .int(let value): return value
        case .float(let value) where value.rounded() == value && abs(value) < 0x1p100: return Int128(value)
        default: return nil
        }
    }

    public var asInt: Int? {
        asInt128.flatMap { Int(exactly: $0) }
    }

    /// For neuron IDs: only exact non-negative integers up to 2^64 - 1.
    public var asUInt64: UInt64? {
        if case .int(let value) = self { return UInt64(exactly: value) }
        return nil
    }

    /// Any number as a Double (integers convert, possibly rounding beyond 2^53).
    public var asDouble: Double? {
        switch self {
        case .int(let value):
            // Through Int64 when it fits: the same rounding, without Int128's generic conversion.
            let small = Int64(truncatingIfNeeded: value)
            return Int128(small) == value ? Double(small) : Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    public var asString: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Elements of a list or a vector.
    public var asList: [Value]? {
        switch self {
        case .list(let elements), .vector(let elements): return elements
        default: return nil
        }
    }

    public var asVector: [Value]? {
        if case .vector(let elements) = self { return elements }
        return nil
    }

    public var asRecord: Record? {
        if case .record(let record) = self { return record }
        return nil
    }

    public var asTable: Table? {
        if case .table(let table) = self { return table }
        return nil
    }

    /// The custom value if it is of type `T`.
    public func asCustom<T: CustomValue>(_ type: T.Type = T.self) -> T? {
        if case .custom(let value) = self { return value as? T }
        return nil
    }

    /// "the string \"big\"", "the integer 5": how a value is named in an error message.
    public var errorDescription: String {
        let text = briefText
        switch self {
        case .null: return "null"
        case .table(let table): return "a table of \(table.rows.count) rows"
        case .custom(let value): return "a \(value.kindName)"
        default: return "the \(kindName) \(text)"
        }
    }

    /// The nested text cut to 60 characters, for quoting a value inside a message.
    public var briefText: String {
        if case .string(let string) = self, !string.unicodeScalars.dropFirst(60).isEmpty {
            // Quote only the part shown: a megabyte-long string costs no more than a short one.
            return String(Self.quote(String(string.prefix(56))).prefix(57)) + "..."
        }
        let text = nestedText
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
