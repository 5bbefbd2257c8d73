import Foundation

/// A minimal CSV writer for the sample's tables, in the dialect pandas reads and writes.
///
/// Comma-separated, `\n` line ends, a header row; a field is quoted when it holds a comma, a quote,
/// a line break or surrounding spaces, with quotes doubled; nulls are empty fields; booleans are
/// `True`/`False`; lists and 3-vectors are JSON arrays (`["a", "b"]`, `[1, 2, 3]`); IDs are decimal.
/// (A general table writer replaces this once the table type exists.)
enum SampleCSV {
    enum Cell: Sendable, Equatable {
        case null
        case id(UInt64)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case text(String)
        case list([String])
        case vector([Int])
    }

    static func document(header: [String], rows: [[Cell]]) -> Data {
        var out = header.map(quoted).joined(separator: ",") + "\n"
        out.reserveCapacity(rows.count * 64 * max(1, header.count / 4))
        for row in rows {
            var first = true
            for cell in row {
                if !first { out += "," }
                first = false
                out += field(cell)
            }
            out += "\n"
        }
        return Data(out.utf8)
    }

    static func field(_ cell: Cell) -> String {
        switch cell {
        case .null: ""
        case .id(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): value.isFinite ? String(value) : ""
        case .bool(let value): value ? "True" : "False"
        case .text(let value): quoted(value)
        case .list(let values): quoted("[" + values.map(jsonString).joined(separator: ", ") + "]")
        case .vector(let values): quoted("[" + values.map(String.init).joined(separator: ", ") + "]")
        }
    }

    static func quoted(_ text: String) -> String {
        let needs = text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || text.first == " " || text.last == " "
        return needs ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// A JSON string literal (the sample's values are plain text: only quotes and backslashes need escaping).
    static func jsonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
