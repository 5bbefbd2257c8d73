import Foundation

/// Reads pandas' `to_json(orient="records")` (the materialization service's JSON answer) straight
/// into typed columns: `[{"id": 1, "size": 20, "valid": "t", ...}, ...]`.
///
/// One pass over the bytes, no intermediate JSON tree: a row's keys are matched against the columns
/// in the order of the previous row first (pandas writes every row alike), so 200,000 rows of 20
/// columns cost the bytes and no dictionary lookups. A column is int64 (uint64 past 2^63, or for ID
/// names), float64 if any value has a fraction or exponent, string, or bool; null is null in any.
/// Anything else (nested lists or objects, strings mixed with numbers, a missing bracket, more than
/// `CaveLimits.maxQueryRows` rows) is a `DataError` naming the row and the column.
struct JSONRecordsParser {
    let bytes: UnsafeRawBufferPointer
    let source: String
    var position = 0
    var columns: [Builder] = []
    var names: [[UInt8]] = []
    /// Per column: its name is written as its bytes in JSON (no escapes needed), see `key`.
    var plainNames: [Bool] = []
    var index: [[UInt8]: Int] = [:]
    var rows = 0

    static let maxColumns = 1000

    init(bytes: UnsafeRawBufferPointer, source: String) {
        self.bytes = bytes
        self.source = source
    }

    enum Kind: CustomStringConvertible {
        case unknown, int, uint, double, string, bool

        var description: String {
            switch self {
            case .unknown: "null"
            case .int: "integer"
            case .uint: "unsigned integer"
            case .double: "number"
            case .string: "string"
            case .bool: "boolean"
            }
        }
    }

    /// One value as read: numbers parsed, a string as the span of its bytes (copied once, into its column).
    enum Cell {
        case null, int(Int64), uint(UInt64), double(Double), string(start: Int, end: Int, escaped: Bool), bool(Bool)

        var kindName: String {
            switch self {
            case .null: "null"
            case .int, .uint: "an integer"
            case .double: "a number"
            case .string: "a string"
            case .bool: "a boolean"
            }
        }
    }

    /// Why a value does not fit its column (the parser names the column and the row).
    enum Mismatch: Error {
        case negativeThenHuge, hugeThenNegative, mixed(Kind, Cell)
    }

    /// One column's values; `kind` widens int → uint or double as values arrive. A null (and every
    /// row before the column's first value) holds a placeholder in the array of the column's kind.
    struct Builder {
        var kind = Kind.unknown
        var ints: [Int64] = []
        var uints: [UInt64] = []
        var doubles: [Double] = []
        var strings = StringColumnBuilder()
        var bools: [Bool] = []
        var valid = ValidityBuilder()
        /// Rows filled so far (a column first seen late has nulls before it).
        var count: Int { valid.count }

        mutating func appendNull() {
            valid.append(false)
            appendPlaceholder()
        }

        /// Appends `cell` (not null), widening the column first when needed. A string's bytes are
        /// the parser's to add (`strings`), after this marks the row valid.
        @inline(__always)
        mutating func append(_ cell: Cell) throws(Mismatch) {
            switch (kind, cell) {
            case (.int, .int(let v)): ints.append(v)
            case (.uint, .uint(let v)): uints.append(v)
            case (.uint, .int(let v)) where v >= 0: uints.append(UInt64(v))
            case (.double, .double(let v)): doubles.append(v)
            case (.double, .int(let v)): doubles.append(Double(v))
            case (.double, .uint(let v)): doubles.append(Double(v))
            case (.bool, .bool(let v)): bools.append(v)
            case (.string, .string):
                valid.append(true)
                return
            default:
                try widen(for: cell)
                return try append(cell)
            }
            valid.append(true)
        }

        /// Changes the column's kind so that `cell` fits, converting the values so far.
        mutating func widen(for cell: Cell) throws(Mismatch) {
            let target: Kind
            switch cell {
            case .null: return
            case .int(let v): target = kind == .uint && v >= 0 ? .uint : .int
            case .uint: target = .uint
            case .double: target = .double
            case .string: target = .string
            case .bool: target = .bool
            }
            switch (kind, target) {
            case (.unknown, _):
                kind = target
                for _ in 0..<count { appendPlaceholder() }
            case (.int, .uint):
                // Placeholders are 0, so only real values can be negative.
                guard ints.allSatisfy({ $0 >= 0 }) else { throw .negativeThenHuge }
                uints = ints.map { UInt64(bitPattern: $0) }
                ints = []
                kind = .uint
            case (.uint, .int):
                throw .hugeThenNegative
            case (.int, .double):
                doubles = ints.map(Double.init)
                ints = []
                kind = .double
            case (.uint, .double):
                doubles = uints.map(Double.init)
                uints = []
                kind = .double
            default:
                throw .mixed(kind, cell)
            }
        }

        /// A slot for a null in the array of the column's kind.
        mutating func appendPlaceholder() {
            switch kind {
            case .int: ints.append(0)
            case .uint: uints.append(0)
            case .double: doubles.append(0)
            case .string: strings.appendNull()
            case .bool: bools.append(false)
            case .unknown: break
            }
        }
    }

    mutating func parse() throws(ConnectomeError) -> DataTable {
        skipSpace()
        guard take(UInt8(ascii: "[")) else { throw missing("the answer to start with [") }
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                try row()
                skipSpace()
                guard let next = peek() else { throw error("the answer ends inside the list of rows (after \(rows) rows): it was cut short") }
                position += 1
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else { throw error("expected , or ] after row \(rows), found '\(Self.shown(next))' at byte \(position - 1)") }
                skipSpace()
            }
        }
        skipSpace()
        guard position == bytes.count else { throw error("the answer has \(bytes.count - position) bytes after its list of rows") }
        return try table()
    }

    mutating func row() throws(ConnectomeError) {
        guard rows < CaveLimits.maxQueryRows else {
            throw ConnectomeError.outOfRange(source, field: "the rows", value: "more than \(CaveLimits.maxQueryRows)",
                                             allowed: "at most \(CaveLimits.maxQueryRows)")
        }
        guard take(UInt8(ascii: "{")) else { throw missing("row \(rows + 1) to be an object") }
        skipSpace()
        var expected = 0
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipSpace()
                let column = try key(expected: expected)
                skipSpace()
                guard take(UInt8(ascii: ":")) else { throw missing("a : after a key of row \(rows + 1)") }
                skipSpace()
                let cell = try value(column: column)
                try append(cell, to: column)
                expected = column + 1
                skipSpace()
                guard let next = peek() else { throw error("the answer ends inside row \(rows + 1): it was cut short") }
                position += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { throw error("expected , or } in row \(rows + 1), found '\(Self.shown(next))' at byte \(position - 1)") }
            }
        }
        rows += 1
        if rows == 1 { reserveRows(bytesPerRow: position) }
        for column in columns.indices where columns[column].count != rows {
            guard columns[column].count == rows - 1 else {
                throw error("row \(rows) has the key '\(name(column))' twice")
            }
            columns[column].appendNull()
        }
    }

    /// Room for the rows the answer holds if all are as long as the first: the columns then grow
    /// without copying (a 100,000-row answer moved its arrays 17 times each). A hint only: at
    /// most `CaveLimits.maxQueryRows`, and rows past it still append.
    mutating func reserveRows(bytesPerRow: Int) {
        let estimate = min(bytes.count / max(bytesPerRow, 1) + 16, CaveLimits.maxQueryRows)
        for column in columns.indices {
            switch columns[column].kind {
            case .int: columns[column].ints.reserveCapacity(estimate)
            case .uint: columns[column].uints.reserveCapacity(estimate)
            case .double: columns[column].doubles.reserveCapacity(estimate)
            case .bool: columns[column].bools.reserveCapacity(estimate)
            case .string, .unknown: break
            }
        }
    }

    /// The column of the next key: the one after the previous key if it matches, else looked up or added.
    mutating func key(expected: Int) throws(ConnectomeError) -> Int {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a key in row \(rows + 1) at byte \(position)") }
        // The expected key, compared in place: a name without quotes, backslashes or control
        // characters is written as its bytes, so equal bytes then a quote are that key.
        if expected < names.count, plainNames[expected] {
            let count = names[expected].count
            if position + count + 1 < bytes.count, bytes[position + count + 1] == UInt8(ascii: "\""),
               names[expected].withUnsafeBytes({ count == 0 || memcmp($0.baseAddress!, bytes.baseAddress! + position + 1, count) == 0 }) {
                position += count + 2
                return expected
            }
        }
        let (start, end, escaped) = try stringSpan()
        if !escaped, expected < names.count, names[expected].count == end - start,
           names[expected].withUnsafeBytes({ known in end == start || memcmp(known.baseAddress!, bytes.baseAddress! + start, end - start) == 0 }) {
            return expected
        }
        let name: [UInt8] = escaped ? Array(try unescape(start, end).utf8) : Array(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        if let known = index[name] { return known }
        guard columns.count < Self.maxColumns else {
            throw ConnectomeError.outOfRange(source, field: "the columns", value: "more than \(Self.maxColumns)", allowed: "at most \(Self.maxColumns)")
        }
        index[name] = columns.count
        names.append(name)
        plainNames.append(!name.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
        var builder = Builder()
        for _ in 0..<rows { builder.appendNull() }
        columns.append(builder)
        return columns.count - 1
    }

    mutating func value(column: Int) throws(ConnectomeError) -> Cell {
        guard let first = peek() else { throw error("the answer ends inside row \(rows + 1): it was cut short") }
        switch first {
        case UInt8(ascii: "\""):
            let (start, end, escaped) = try stringSpan()
            return .string(start: start, end: end, escaped: escaped)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            throw error("row \(rows + 1), column '\(name(column))' holds a nested \(first == UInt8(ascii: "[") ? "list" : "object"); materialization rows are flat (positions split into _x, _y, _z)")
        default:
            return try number(column: column)
        }
    }

    /// An integer is read digit by digit (the common case: IDs, sizes, positions, epoch milliseconds);
    /// a fraction, an exponent or more digits than 64 bits hold go through `Double`.
    mutating func number(column: Int) throws(ConnectomeError) -> Cell {
        let start = position
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var magnitude: UInt64 = 0
        var overflow = false
        while position < bytes.count {
            let digit = bytes[position] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            magnitude = sum
            overflow = overflow || o1 || o2
            position += 1
        }
        let digits = position - start - (negative ? 1 : 0)
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
            return try general(from: start, column: column)
        }
        guard position - start <= 40 else { throw error("row \(rows + 1), column '\(name(column))' has a number of more than 40 characters") }
        if digits == 0 {
            guard negative else {
                throw error("row \(rows + 1), column '\(name(column))': '\(Self.shown(bytes[start]))' at byte \(start) does not start a value")
            }
            throw error("row \(rows + 1), column '\(name(column))': - is not a number the kernel reads")
        }
        if !overflow {
            if !negative { return magnitude <= UInt64(Int64.max) ? .int(Int64(magnitude)) : .uint(magnitude) }
            if magnitude <= UInt64(Int64.max) { return .int(-Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .int(Int64.min) }
        }
        return try numberCell(start, fractional: true, column: column)
    }

    /// The rest of a number with a fraction or exponent (or a malformed one), as the characters allow.
    mutating func general(from start: Int, column: Int) throws(ConnectomeError) -> Cell {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                position += 1
                guard position - start <= 40 else { throw error("row \(rows + 1), column '\(name(column))' has a number of more than 40 characters") }
            default:
                return try numberCell(start, fractional: true, column: column)
            }
        }
        return try numberCell(start, fractional: true, column: column)
    }

    func numberCell(_ start: Int, fractional: Bool, column: Int) throws(ConnectomeError) -> Cell {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if !fractional {
            if let value = Int64(text) { return .int(value) }
            if let value = UInt64(text) { return .uint(value) }
        }
        guard text.first != "+", let value = Double(text), value.isFinite else {
            throw error("row \(rows + 1), column '\(name(column))': \(text) is not a number the kernel reads")
        }
        return .double(value)
    }

    mutating func append(_ cell: Cell, to column: Int) throws(ConnectomeError) {
        if case .null = cell {
            columns[column].appendNull()
            return
        }
        do throws(Mismatch) {
            try columns[column].append(cell)
        } catch {
            switch error {
            case .negativeThenHuge: throw self.error("column '\(name(column))' holds negative integers and integers past 2^63 (row \(rows + 1))")
            case .hugeThenNegative: throw self.error("column '\(name(column))' holds integers past 2^63 and negative ones (row \(rows + 1))")
            case .mixed(let kind, let cell):
                throw self.error("column '\(name(column))' mixes \(kind) values with \(cell.kindName) at row \(rows + 1)")
            }
        }
        if case .string(let start, let end, let escaped) = cell {
            if escaped {
                var text = try unescape(start, end)
                text.withUTF8 { columns[column].strings.append($0) }
            } else {
                let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
                columns[column].strings.append(UnsafeBufferPointer(start: base + start, count: end - start))
            }
        }
    }

    func table() throws(ConnectomeError) -> DataTable {
        var result: [DataColumn] = []
        for (position, builder) in columns.enumerated() {
            let name = String(decoding: names[position], as: UTF8.self)
            let validity = builder.valid.finish()
            var data: ColumnData
            switch builder.kind {
            case .int: data = .int64(ScalarColumn(values: builder.ints, validity: validity))
            case .uint: data = .uint64(ScalarColumn(values: builder.uints, validity: validity))
            case .double: data = .double(ScalarColumn(values: builder.doubles, validity: validity))
            case .bool: data = .bool(ScalarColumn(values: builder.bools, validity: validity))
            case .string: data = .string(builder.strings.finish())
            case .unknown: data = .string(StringColumn(Array(repeating: nil, count: rows)))
            }
            if ColumnNaming.isIDName(name) { data = data.asIDs() }
            result.append(DataColumn(name, data))
        }
        let unique = ColumnNaming.uniqueNames(result.map(\.name))
        for position in result.indices { result[position].name = unique[position] }
        return DataTable(uncheckedColumns: result, rowCount: result.isEmpty ? 0 : rows)
    }

    // MARK: - Bytes

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Moves past `byte` when it is next (the message of a miss is only built then: this runs for every key and row).
    mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    /// The error of a `take` that missed: what was expected, and what is there instead.
    func missing(_ what: String) -> ConnectomeError {
        error(position >= bytes.count ? "the answer ends where it expected \(what): it was cut short"
                                      : "expected \(what), found '\(Self.shown(bytes[position]))' at byte \(position)")
    }

    mutating func literal(_ word: StaticString) throws(ConnectomeError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count, memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0
        else { throw error("row \(rows + 1) has an unknown word at byte \(position)") }
        position += count
    }

    /// The bytes between the quotes of the string at `position` (which moves past it), and whether it has escapes.
    mutating func stringSpan() throws(ConnectomeError) -> (Int, Int, Bool) {
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return (start, position - 1, escaped)
            }
            if byte == UInt8(ascii: "\\") { escaped = true; position += 1 }
            else if byte < 0x20 { throw error("a string at byte \(start) holds a control character") }
            position += 1
        }
        throw error("the answer ends inside a string (row \(rows + 1)): it was cut short")
    }

    func unescape(_ start: Int, _ end: Int) throws(ConnectomeError) -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var i = start
        func flush() {
            if !utf8.isEmpty { scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars); utf8.removeAll() }
        }
        func hex4(_ at: Int) throws(ConnectomeError) -> UInt32 {
            guard at + 4 <= end else { throw error("a \\u escape at byte \(at) is cut short") }
            var value: UInt32 = 0
            for byte in bytes[at..<(at + 4)] {
                guard let digit = Int(String(UnicodeScalar(byte)), radix: 16) else { throw error("a \\u escape at byte \(at) is not hexadecimal") }
                value = value * 16 + UInt32(digit)
            }
            return value
        }
        while i < end {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else { utf8.append(byte); i += 1; continue }
            guard i + 1 < end else { throw error("a string ends in a lone backslash at byte \(i)") }
            let code = bytes[i + 1]
            i += 2
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(code)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                flush()
                var value = try hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(value), i + 6 <= end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    let low = try hex4(i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                scalars.append(UnicodeScalar(value) ?? "\u{FFFD}")
            default:
                throw error("a string has the unknown escape \\\(Self.shown(code)) at byte \(i - 2)")
            }
        }
        flush()
        return String(scalars)
    }

    func name(_ column: Int) -> String { String(decoding: names[column].prefix(100), as: UTF8.self) }

    static func shown(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : String(format: "\\x%02X", byte)
    }

    func error(_ message: String) -> ConnectomeError {
        ConnectomeError.data("\(source) is not readable JSON rows: \(message)",
                             hint: "The answer was cut short or is not pandas' records JSON; run the cell again")
    }
}
