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
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 24 * max(1, header.count))
        for (index, name) in header.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendQuoted(name, to: &out)
        }
        out.append(UInt8(ascii: "\n"))
        for row in rows {
            for (index, cell) in row.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(cell, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
        return Data(out)
    }

    static func field(_ cell: Cell) -> String {
        var out: [UInt8] = []
        append(cell, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ cell: Cell, to out: inout [UInt8]) {
        switch cell {
        case .null: break
        case .id(let value): out.append(contentsOf: String(value).utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): if value.isFinite { out.append(contentsOf: String(value).utf8) }
        case .bool(let value): out.append(contentsOf: (value ? "True" : "False").utf8)
        case .text(let value): appendQuoted(value, to: &out)
        case .list(let values): appendQuoted("[" + values.map(jsonString).joined(separator: ", ") + "]", to: &out)
        case .vector(let values): appendQuoted("[" + values.map(String.init).joined(separator: ", ") + "]", to: &out)
        }
    }

    /// Quoted when it holds a comma, a quote, a line break or surrounding spaces; quotes doubled.
    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        let bytes = text.utf8
        let needs = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
            || bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ")
        guard needs else { out.append(contentsOf: bytes); return }
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A JSON string literal (the sample's values are plain text: only quotes and backslashes need escaping).
    static func jsonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
