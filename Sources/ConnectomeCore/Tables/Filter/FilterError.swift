/// Why a filter could not run: the user's criterion does not fit the table.
///
/// A typed error so that commands can react (completion, suggestions); `connectomeError` is
/// the form the kernel reports (an ArgumentError whose message names the field and the value).
public enum FilterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No such column; `suggestions` are the nearest field names.
    case unknownField(String, available: [String], suggestions: [String])
    /// The pattern does not compile; `position` is the 0-based character offset of the fault when known.
    case invalidRegex(field: String, pattern: String, position: Int?, reason: String)
    /// `regex=true` on a column that is not text, with a value that is not of the column's type.
    case regexOnNonText(field: String, type: ColumnType, value: String)
    /// The value cannot be converted to the column's type (crantpy's FilteringError).
    case conversion(field: String, type: ColumnType, value: String, reason: String)
    /// Columns of this type cannot be filtered by value (timestamps).
    case unsupportedColumn(field: String, type: ColumnType)

    public var description: String { connectomeError.description }

    public var connectomeError: ConnectomeError {
        switch self {
        case .unknownField(let field, let available, let suggestions):
            let listed = "[" + available.map { "'\($0)'" }.joined(separator: ", ") + "]"
            let message = "\"\(field)\" is not a searchable field. Available fields are: \(listed)."
            if suggestions.isEmpty { return .argument(message) }
            return .argument(message + " Did you mean one of: [" + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "]?")
        case .invalidRegex(let field, let pattern, let position, let reason):
            let at = position.map { " at position \($0)" } ?? ""
            return .argument("the regular expression \"\(pattern)\" for '\(field)' does not compile: \(reason)\(at)",
                             hint: "escape special characters with a backslash (\\( \\. \\[), or pass regex=false to match the text as it is")
        case .regexOnNonText(let field, let type, let value):
            return .argument("regex=true cannot search '\(field)': it holds \(type) values and \"\(value)\" is not one",
                             hint: "regular expressions search text columns; compare '\(field)' with a \(type) value, or pass regex=false")
        case .conversion(let field, let type, let value, let reason):
            return .argument("Error filtering field '\(field)' with value '\(value)': \(reason)",
                             hint: "'\(field)' holds \(type) values; give a value of that type")
        case .unsupportedColumn(let field, let type):
            return .argument("'\(field)' holds \(type) values, which cannot be filtered by value",
                             hint: "filter on a text, number, flag or list column")
        }
    }
}
