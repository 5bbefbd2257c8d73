import Foundation
import JSONModel

/// Seatable rows → the annotation table: crantpy's columns, with IDs, positions, flags and lists typed.
///
/// Each field becomes one column, in the order asked (fields the table does not have are left out,
/// as pandas leaves out keys no row has). By field: `root_id`, `supervoxel_id`, `nucleus_id` are
/// exact uint64 IDs (Seatable text; a cell that is no ID is an error naming the row and the value,
/// since a rounded or garbled ID would silently match nothing); positions `"x, y, z"` become integer
/// 3-vectors, keeping the all-digit tokens as crantpy does (when some cell is no position the column
/// stays text, so nothing is lost). By Seatable type: checkbox → bool, number / duration / rate →
/// float64, multiple-select / collaborator / link → lists of strings (option IDs named from the
/// metadata, links by display value), everything else → text with select options named. An empty
/// string is null, as Seatable's SQL treats it.
public enum AnnotationTableDecoder {
    /// The table of `pages` (one SQL answer each, in order) for `fields`.
    public static func table(_ pages: [SeatableQueryResult], fields: [String], source: String) throws(ConnectomeError) -> DataTable {
        guard let first = pages.first else { return DataTable() }
        var columns: [DataColumn] = []
        for field in fields {
            guard let column = first.column(field) else { continue }
            let perPage = try pages.enumerated().map { index, page throws(ConnectomeError) -> SeatableQueryResult.Column in
                guard let own = page.column(field) else {
                    throw ConnectomeError.data("\(source): page \(index + 1) has no column \(field), which page 1 has",
                                               hint: "The table's columns changed while it was read; run the query again")
                }
                return own
            }
            columns.append(DataColumn(field, try decode(field, type: column.type, pages: pages, columns: perPage, source: source)))
        }
        return try DataTable(columns: columns)
    }

    enum Kind { case id, position, bool, number, list, text }

    static func kind(field: String, type: String) -> Kind {
        if AnnotationFields.ids.contains(field) { return .id }
        if AnnotationFields.positions.contains(field) { return .position }
        switch type {
        case "checkbox": return .bool
        case "number", "duration", "rate": return .number
        case "multiple-select", "collaborator", "link": return .list
        default: return .text
        }
    }

    static func decode(_ field: String, type: String, pages: [SeatableQueryResult], columns: [SeatableQueryResult.Column],
                       source: String) throws(ConnectomeError) -> ColumnData {
        let count = pages.reduce(0) { $0 + $1.rows.count }
        var row = 0
        func each(_ body: (JSONValue, SeatableQueryResult.Column, Int) throws(ConnectomeError) -> Void) throws(ConnectomeError) {
            row = 0
            for (page, column) in zip(pages, columns) {
                for values in page.rows {
                    try body(page.cell(values, column), column, row)
                    row += 1
                }
            }
        }
        func failure(_ row: Int, _ value: JSONValue, _ expected: String) -> ConnectomeError {
            ConnectomeError.data("\(source): row \(row + 1), \(field) is \(value.text().prefix(80)), not \(expected)",
                                 hint: "Correct the cell in the Seatable table (or ask its curators to)")
        }
        switch kind(field: field, type: type) {
        case .id:
            var values = [UInt64](repeating: 0, count: count)
            var valid = [Bool](repeating: false, count: count)
            try each { value, _, row throws(ConnectomeError) in
                switch value {
                case .null: return
                case .uint(let id): values[row] = id
                case .int(let id) where id >= 0: values[row] = UInt64(id)
                case .double(let number) where number >= 0 && number <= 9_007_199_254_740_992 && number.rounded() == number:
                    values[row] = UInt64(number)
                case .string(let text):
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty || AnnotationFields.missingIDs.contains(trimmed) { return }
                    guard trimmed.utf8.count <= 20, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let id = UInt64(trimmed) else {
                        throw failure(row, value, "an unsigned 64-bit ID")
                    }
                    values[row] = id
                default: throw failure(row, value, "an unsigned 64-bit ID (an exact integer)")
                }
                valid[row] = true
            }
            return .uint64(ScalarColumn(values: values, validity: Validity(valid)))
        case .position:
            var numbers = [Int64](repeating: 0, count: 3 * count)
            var valid = [Bool](repeating: false, count: count)
            var texts = [String?](repeating: nil, count: count)
            var allPositions = true
            try each { value, _, row throws(ConnectomeError) in
                guard let text = try self.text(value, options: [:], row: row, failure: failure) else { return }
                texts[row] = text
                guard allPositions else { return }
                let tokens = text.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " []()")) }
                let digits = tokens.filter { !$0.isEmpty && $0.utf8.count <= 18 && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
                guard digits.count == 3 else { allPositions = false; return }
                for (axis, token) in digits.enumerated() { numbers[3 * row + axis] = Int64(token)! }
                valid[row] = true
            }
            return allPositions ? .intVector(VectorColumn(values: numbers, validity: Validity(valid))) : .string(StringColumn(texts))
        case .bool:
            var values = [Bool](repeating: false, count: count)
            var valid = [Bool](repeating: false, count: count)
            try each { value, _, row throws(ConnectomeError) in
                switch value {
                case .null: return
                case .bool(let flag): values[row] = flag
                default: throw failure(row, value, "true or false")
                }
                valid[row] = true
            }
            return .bool(ScalarColumn(values: values, validity: Validity(valid)))
        case .number:
            var values = [Double](repeating: 0, count: count)
            var valid = [Bool](repeating: false, count: count)
            try each { value, _, row throws(ConnectomeError) in
                switch value {
                case .null: return
                case .string(let text) where text.isEmpty: return
                case .int, .uint, .double: values[row] = value.doubleValue!
                case .string(let text):
                    guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else { throw failure(row, value, "a number") }
                    values[row] = number
                default: throw failure(row, value, "a number")
                }
                valid[row] = true
            }
            return .double(ScalarColumn(values: values, validity: Validity(valid)))
        case .list:
            var lists = [[String?]?](repeating: nil, count: count)
            try each { value, column, row throws(ConnectomeError) in
                switch value {
                case .null: return
                case .array(let items):
                    lists[row] = try items.map { item throws(ConnectomeError) -> String? in
                        if let display = item["display_value"] { return try self.text(display, options: [:], row: row, failure: failure) }
                        return try self.text(item, options: column.options, row: row, failure: failure)
                    }
                default:
                    // One value where a list belongs (an older column type): a list of one.
                    lists[row] = [try self.text(value, options: column.options, row: row, failure: failure)]
                }
            }
            return .stringList(StringListColumn(lists))
        case .text:
            var texts = [String?](repeating: nil, count: count)
            try each { value, column, row throws(ConnectomeError) in
                texts[row] = try self.text(value, options: column.options, row: row, failure: failure)
            }
            return .string(StringColumn(texts))
        }
    }

    /// A cell as text: strings as they are (select option IDs named), numbers and flags written out;
    /// nil for null and "". Objects and lists are written as compact JSON.
    static func text(_ value: JSONValue, options: [String: String], row: Int,
                     failure: (Int, JSONValue, String) -> ConnectomeError) throws(ConnectomeError) -> String? {
        switch value {
        case .null: return nil
        case .string(let text):
            if text.isEmpty { return nil }
            return options[text] ?? text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .uint(let number): return String(number)
        case .double(let number):
            guard number.isFinite else { throw failure(row, value, "a finite number") }
            return number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .array, .object: return value.text(sortedKeys: true)
        }
    }
}
