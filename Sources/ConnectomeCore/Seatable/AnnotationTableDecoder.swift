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
        var present: [(field: String, type: String, perPage: [SeatableQueryResult.Column])] = []
        for field in fields {
            guard let column = first.column(field) else { continue }
            let perPage = try pages.enumerated().map { index, page throws(ConnectomeError) -> SeatableQueryResult.Column in
                guard let own = page.column(field) else {
                    throw ConnectomeError.data("\(source): page \(index + 1) has no column \(field), which page 1 has",
                                               hint: "The table's columns changed while it was read; run the query again")
                }
                return own
            }
            present.append((field, column.type, perPage))
        }
        // The cells, field by field: the pages hold them by column already.
        let count = pages.reduce(0) { $0 + $1.rows.count }
        var cells = [[JSONValue]](repeating: [], count: present.count)
        for (pageIndex, page) in pages.enumerated() {
            // A page keys its rows by column name (convert_keys) or by column key, never both:
            // one lookup per cell, not two for every empty (left out) cell.
            for (index, entry) in present.enumerated() {
                let column = entry.perPage[pageIndex]
                let key = page.rows.has(column.name) || !page.rows.has(column.key) ? column.name : column.key
                if let found = page.rows.cells(forKey: key) {
                    if cells[index].isEmpty { cells[index] = found } else { cells[index] += found }
                } else {
                    cells[index].append(contentsOf: repeatElement(JSONValue.null, count: page.rows.count))
                }
            }
        }
        // The fields one per core (most of reading the table: 30 fields of 12,000 cells); an error
        // is the first field's in the order asked, as when they were decoded one after another.
        let fields = present, allCells = cells
        let columns = try ParallelWork.map(Array(fields.indices), minimumItemsForParallel: count >= 2_000 ? 2 : Int.max,
                                           throwing: { (index: Int) throws(ConnectomeError) -> DataColumn in
            let entry = fields[index]
            return DataColumn(entry.field, try decode(entry.field, type: entry.type, cells: allCells[index], pages: pages,
                                                      columns: entry.perPage, source: source))
        })
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

    /// `cells` are the field's values in row order over all `pages` (`columns` is the field's column in each).
    static func decode(_ field: String, type: String, cells: [JSONValue], pages: [SeatableQueryResult], columns: [SeatableQueryResult.Column],
                       source: String) throws(ConnectomeError) -> ColumnData {
        let count = cells.count
        var row = 0
        func each(_ body: (JSONValue, SeatableQueryResult.Column, Int) throws(ConnectomeError) -> Void) throws(ConnectomeError) {
            row = 0
            for (page, column) in zip(pages, columns) {
                for _ in 0..<page.rows.count {
                    try body(cells[row], column, row)
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
                    let trimmed = trimmedWhitespace(text)
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
                guard let xyz = position(text) else { allPositions = false; return }
                numbers[3 * row] = xyz.0
                numbers[3 * row + 1] = xyz.1
                numbers[3 * row + 2] = xyz.2
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
                    guard let number = Double(trimmedWhitespace(text)) else { throw failure(row, value, "a number") }
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

    /// crantpy's position parsing as bytes: the `,`-separated parts, each without ` []()` around it,
    /// that are 1 to 18 digits; a position when there are exactly three. (Splitting into Strings and
    /// trimming them with a CharacterSet took most of reading the table.)
    static func position(_ text: String) -> (Int64, Int64, Int64)? {
        var text = text
        return text.withUTF8 { bytes -> (Int64, Int64, Int64)? in
            var found: [Int64] = []
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                var low = start, high = end
                func trimmed(_ byte: UInt8) -> Bool {
                    byte == 0x20 || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
                }
                while low < high, trimmed(bytes[low]) { low += 1 }
                while high > low, trimmed(bytes[high - 1]) { high -= 1 }
                if high > low, high - low <= 18, bytes[low..<high].allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                    var value: Int64 = 0
                    for byte in bytes[low..<high] { value = value * 10 + Int64(byte - 48) }
                    found.append(value)
                    if found.count > 3 { return nil }
                }
                start = end + 1
            }
            return found.count == 3 ? (found[0], found[1], found[2]) : nil
        }
    }

    /// `text` without whitespace around it (Foundation's `.whitespaces`); a text that starts and ends
    /// with an ASCII non-space, as IDs do, is returned as it is without bridging to NSString.
    static func trimmedWhitespace(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        func plain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 }
        return plain(first) && plain(last) ? text : text.trimmingCharacters(in: .whitespaces)
    }

    /// A cell as text: strings as they are (select option IDs named), numbers and flags written out;
    /// nil for null and "". Objects and lists are written as compact JSON.
    static func text(_ value: JSONValue, options: [String: String], row: Int,
                     failure: (Int, JSONValue, String) -> ConnectomeError) throws(ConnectomeError) -> String? {
        switch value {
        case .null: return nil
        case .string(let text):
            if text.isEmpty { return nil }
            // Most columns have no options: no hashing of every cell's text for them.
            return options.isEmpty ? text : options[text] ?? text
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
