import Foundation
import JSONModel

/// Reads a Seatable SQL answer (`{"success": …, "metadata": […], "results": [{…}, …]}`) with its
/// rows straight into columns of cells, never building a dictionary per row.
///
/// A 10,000-row page of 30 fields made 10,000 dictionaries of 30 members (each key hashed), which
/// were then looked up again 300,000 times to gather the columns: most of reading the annotation
/// table. Here a row's keys are matched as bytes against the keys in the previous row's order
/// (Seatable writes every row alike) and each cell goes to its column's array at once; the cells
/// themselves, and every member outside `results`, are read by `JSONValue.parsePrefix`, the reader
/// `JSONValue.parse` uses, so their values are the same.
///
/// It reads only what `JSONValue.parse` reads, and only answers of the common shape (an object
/// whose `results` is an array of at most `maxRows` objects with unescaped keys); for anything else
/// it returns nil and `SeatableQueryResult.decode` reads the answer the plain way, which words any
/// error. A repeated key keeps its first value, as `JSONValue.parse` keeps it.
struct SeatableAnswerParser {
    let bytes: UnsafeRawBufferPointer
    let maxRows: Int
    var position = 0
    /// The answer's members other than `results`.
    var members: [String: JSONValue] = [:]
    var rows = SeatableQueryResult.Rows()
    /// Each key's bytes as written (no escapes), to match the next rows' keys against.
    var keyBytes: [[UInt8]] = []
    /// The columns of the previous row's members, in its order: where the next row's keys are looked for first.
    var previousOrder: [Int] = []

    /// The members and rows of `data`, or nil when it is not an answer of the common shape.
    static func parse(_ data: Data, maxRows: Int) -> (members: [String: JSONValue], rows: SeatableQueryResult.Rows)? {
        data.withUnsafeBytes { raw in
            var parser = SeatableAnswerParser(bytes: raw, maxRows: maxRows)
            guard parser.answer() else { return nil }
            return (parser.members, parser.rows)
        }
    }

    // MARK: - Structure

    mutating func answer() -> Bool {
        space()
        guard take(UInt8(ascii: "{")) else { return false }
        space()
        var sawResults = false
        if !take(UInt8(ascii: "}")) {
            while true {
                guard peek(UInt8(ascii: "\"")), let (keyValue, end) = JSONValue.parsePrefix(bytes, at: position, depth: 1),
                      case .string(let key) = keyValue else { return false }
                position = end
                space()
                guard take(UInt8(ascii: ":")) else { return false }
                if key == "results" && !sawResults {
                    sawResults = true
                    guard results() else { return false }
                } else {
                    guard let (value, end) = JSONValue.parsePrefix(bytes, at: position, depth: 1) else { return false }
                    position = end
                    if key != "results", members[key] == nil { members[key] = value }
                }
                space()
                if take(UInt8(ascii: ",")) { space(); continue }
                guard take(UInt8(ascii: "}")) else { return false }
                break
            }
        }
        space()
        return sawResults && position == bytes.count
    }

    mutating func results() -> Bool {
        space()
        guard take(UInt8(ascii: "[")) else { return false }
        space()
        if take(UInt8(ascii: "]")) { return true }
        while true {
            guard rows.count < maxRows, row() else { return false }
            space()
            if take(UInt8(ascii: ",")) { space(); continue }
            return take(UInt8(ascii: "]"))
        }
    }

    /// One row object; every column gets a cell for it (`.null` where the row has no such key).
    mutating func row() -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        let row = rows.count
        rows.count += 1
        var order: [Int] = []
        order.reserveCapacity(previousOrder.count)
        space()
        if !take(UInt8(ascii: "}")) {
            while true {
                guard let column = key(member: order.count, row: row) else { return false }
                space()
                guard take(UInt8(ascii: ":")),
                      let (value, end) = JSONValue.parsePrefix(bytes, at: position, depth: 3) else { return false }
                position = end
                // A repeated key keeps its first value.
                if rows.cells[column].count == row {
                    rows.cells[column].append(value)
                    order.append(column)
                }
                space()
                if take(UInt8(ascii: ",")) { space(); continue }
                guard take(UInt8(ascii: "}")) else { return false }
                break
            }
        }
        for column in rows.cells.indices where rows.cells[column].count == row { rows.cells[column].append(.null) }
        previousOrder = order
        return true
    }

    /// The column of the key at `position` (advanced past it): found by its bytes, or new (its
    /// earlier rows without it). Nil for a key with escapes or one that is not a JSON string.
    mutating func key(member: Int, row: Int) -> Int? {
        guard peek(UInt8(ascii: "\"")) else { return nil }
        let start = position + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") { break }
            // An escape or a control character: left to the plain reading.
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        let span = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        if member < previousOrder.count, Self.equal(keyBytes[previousOrder[member]], span) {
            position = end + 1
            return previousOrder[member]
        }
        if let known = keyBytes.firstIndex(where: { Self.equal($0, span) }) {
            position = end + 1
            return known
        }
        // A new key: read as a JSON string (which checks its UTF-8) and given a column.
        guard let (value, after) = JSONValue.parsePrefix(bytes, at: position, depth: 3), after == end + 1,
              case .string(let name) = value else { return nil }
        position = after
        rows.keys.append(name)
        keyBytes.append([UInt8](span))
        rows.cells.append([JSONValue](repeating: .null, count: row))
        return rows.keys.count - 1
    }

    static func equal(_ known: [UInt8], _ span: UnsafeRawBufferPointer) -> Bool {
        guard known.count == span.count else { return false }
        guard let base = span.baseAddress, !known.isEmpty else { return true }
        return known.withUnsafeBytes { memcmp($0.baseAddress!, base, span.count) == 0 }
    }

    // MARK: - Bytes

    mutating func space() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func peek(_ byte: UInt8) -> Bool { position < bytes.count && bytes[position] == byte }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek(byte) else { return false }
        position += 1
        return true
    }
}
