/// A value to filter by, as the user wrote it (the filter converts it to the column's type, as
/// crantpy's `match_dtype` does).
public enum FilterValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bool(Bool)

    /// Python's `str(value)`: `5`, `5.0`, `True`.
    public var description: String {
        switch self {
        case .string(let text): return text
        case .int(let value): return String(value)
        case .uint(let value): return String(value)
        case .double(let value): return TableCell.doubleText(value)
        case .bool(let value): return value ? "True" : "False"
        }
    }
}

/// One `field=value` of `neurons` / `where`: a single value, or a list (any-of; all-of on list
/// columns with `matchAll`).
public struct FilterCriterion: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var values: [FilterValue]
    /// True when the user gave a list (even of one element): lists and single values take
    /// different rules (§2 of the reference).
    public var isList: Bool

    public init(_ field: String, _ value: FilterValue) {
        self.field = field
        values = [value]
        isList = false
    }

    public init(_ field: String, anyOf values: [FilterValue]) {
        self.field = field
        self.values = values
        isList = true
    }

    public var description: String {
        let shown = values.map { value -> String in
            if case .string(let text) = value { return "\"\(text)\"" }
            return value.description
        }
        return "\(field)=" + (isList ? "[" + shown.joined(separator: ", ") + "]" : shown.first ?? "")
    }
}

/// crantpy's options, applied to every criterion (`NeuronCriteria(regex=…, case=…, …)`).
public struct FilterOptions: Sendable, Equatable {
    /// Values are regular expressions, searched for anywhere in the cell (`re.search`).
    public var regex: Bool
    /// crantpy's `case`: false (the default) compares case-insensitively.
    public var caseSensitive: Bool
    /// On list columns with a list value: every value must be in the cell (else any).
    public var matchAll: Bool
    /// false: substring (for single values: regex) matching on text columns.
    public var exact: Bool

    public init(regex: Bool = false, caseSensitive: Bool = false, matchAll: Bool = false, exact: Bool = true) {
        self.regex = regex
        self.caseSensitive = caseSensitive
        self.matchAll = matchAll
        self.exact = exact
    }
}
