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
    var index: [[UInt8]: Int] = [:]
    var rows = 0

    static let maxColumns = 1000

    init(bytes: UnsafeRawBufferPointer, source: String) {
        self.bytes = bytes
        self.source = source
    }

    enum Kind { case unknown, int, uint, double, string, bool }

    /// One column's values; `kind` widens int → uint or double as values arrive.
    struct Builder {
        var kind = Kind.unknown
        var ints: [Int64] = []
        var uints: [UInt64] = []
        var doubles: [Double] = []
        var strings: [String?] = []
        var bools: [Bool] = []
        var valid: [Bool] = []
        /// Rows filled so far (a column first seen late has nulls before it).
        var count: Int { valid.count }
    }

    enum Cell {
        case null, int(Int64), uint(UInt64), double(Double), string(String), bool(Bool)
    }

    mutating func parse() throws(ConnectomeError) -> DataTable {
        skipSpace()
        try expect(UInt8(ascii: "["), "the answer to start with [")
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
        try expect(UInt8(ascii: "{"), "row \(rows + 1) to be an object")
        skipSpace()
        var expected = 0
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipSpace()
                let column = try key(expected: expected)
                skipSpace()
                try expect(UInt8(ascii: ":"), "a : after a key of row \(rows + 1)")
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
        for column in columns.indices where columns[column].count != rows {
            guard columns[column].count == rows - 1 else {
                throw error("row \(rows) has the key '\(name(column))' twice")
            }
            try append(.null, to: column)
        }
    }

    /// The column of the next key: the one after the previous key if it matches, else looked up or added.
    mutating func key(expected: Int) throws(ConnectomeError) -> Int {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a key in row \(rows + 1) at byte \(position)") }
        let (start, end, escaped) = try stringSpan()
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        if !escaped, expected < names.count, names[expected].elementsEqual(raw) { return expected }
        let name: [UInt8] = escaped ? Array(try unescape(start, end).utf8) : Array(raw)
        if let known = index[name] { return known }
        guard columns.count < Self.maxColumns else {
            throw ConnectomeError.outOfRange(source, field: "the columns", value: "more than \(Self.maxColumns)", allowed: "at most \(Self.maxColumns)")
        }
        index[name] = columns.count
        names.append(name)
        var builder = Builder()
        for _ in 0..<rows { builder.valid.append(false); builder.append(placeholder: ()) }
        columns.append(builder)
        return columns.count - 1
    }

    mutating func value(column: Int) throws(ConnectomeError) -> Cell {
        guard let first = peek() else { throw error("the answer ends inside row \(rows + 1): it was cut short") }
        switch first {
        case UInt8(ascii: "\""):
            let (start, end, escaped) = try stringSpan()
            return .string(escaped ? try unescape(start, end) : String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            throw error("row \(rows + 1), column '\(name(column))' holds a nested \(first == UInt8(ascii: "[") ? "list" : "object"); materialization rows are flat (positions split into _x, _y, _z)")
        default:
            return try number(column: column)
        }
    }

    mutating func number(column: Int) throws(ConnectomeError) -> Cell {
        let start = position
        var fractional = false
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"): break
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): fractional = true
            default:
                if position == start { throw error("row \(rows + 1), column '\(name(column))': '\(Self.shown(byte))' at byte \(position) does not start a value") }
                return try numberCell(start, fractional: fractional, column: column)
            }
            position += 1
            guard position - start <= 40 else { throw error("row \(rows + 1), column '\(name(column))' has a number of more than 40 characters") }
        }
        return try numberCell(start, fractional: fractional, column: column)
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
        var builder = columns[column]
        columns[column] = Builder()  // keeps the arrays uniquely referenced while appending
        defer { columns[column] = builder }
        if case .null = cell {
            builder.valid.append(false)
            builder.append(placeholder: ())
            return
        }
        try widen(&builder, for: cell, column: column)
        builder.valid.append(true)
        switch (builder.kind, cell) {
        case (.int, .int(let v)): builder.ints.append(v)
        case (.uint, .int(let v)): builder.uints.append(UInt64(v))
        case (.uint, .uint(let v)): builder.uints.append(v)
        case (.double, .int(let v)): builder.doubles.append(Double(v))
        case (.double, .uint(let v)): builder.doubles.append(Double(v))
        case (.double, .double(let v)): builder.doubles.append(v)
        case (.string, .string(let v)): builder.strings.append(v)
        case (.bool, .bool(let v)): builder.bools.append(v)
        default: throw mixed(column, cell)
        }
    }

    /// Changes the column's kind so that `cell` fits, converting the values so far.
    func widen(_ builder: inout Builder, for cell: Cell, column: Int) throws(ConnectomeError) {
        let kind: Kind
        switch cell {
        case .null: return
        case .int(let v): kind = builder.kind == .uint && v >= 0 ? .uint : .int
        case .uint: kind = .uint
        case .double: kind = .double
        case .string: kind = .string
        case .bool: kind = .bool
        }
        switch (builder.kind, kind) {
        case (let a, let b) where a == b: return
        case (.unknown, _):
            builder.kind = kind
            for _ in 0..<builder.count { builder.append(placeholder: ()) }
        case (.int, .uint):
            guard builder.ints.enumerated().allSatisfy({ !builder.valid[$0.offset] || $0.element >= 0 }) else {
                throw error("column '\(name(column))' holds negative integers and integers past 2^63 (row \(rows + 1))")
            }
            builder.uints = builder.ints.map { UInt64(bitPattern: $0) }
            builder.ints = []
            builder.kind = .uint
        case (.uint, .int):
            throw error("column '\(name(column))' holds integers past 2^63 and negative ones (row \(rows + 1))")
        case (.int, .double):
            builder.doubles = builder.ints.map(Double.init)
            builder.ints = []
            builder.kind = .double
        case (.uint, .double):
            builder.doubles = builder.uints.map(Double.init)
            builder.uints = []
            builder.kind = .double
        case (.double, .int), (.double, .uint):
            return
        default:
            throw mixed(column, cell)
        }
    }

    func mixed(_ column: Int, _ cell: Cell) -> ConnectomeError {
        error("column '\(name(column))' mixes \(columns[column].kind) values with \(cell) at row \(rows + 1)")
    }

    func table() throws(ConnectomeError) -> DataTable {
        var result: [DataColumn] = []
        for (position, builder) in columns.enumerated() {
            let name = String(decoding: names[position], as: UTF8.self)
            let validity: Validity? = builder.valid.allSatisfy { $0 } ? nil : Validity(builder.valid)
            var data: ColumnData
            switch builder.kind {
            case .int: data = .int64(ScalarColumn(values: builder.ints, validity: validity))
            case .uint: data = .uint64(ScalarColumn(values: builder.uints, validity: validity))
            case .double: data = .double(ScalarColumn(values: builder.doubles, validity: validity))
            case .bool: data = .bool(ScalarColumn(values: builder.bools, validity: validity))
            case .string, .unknown: data = .string(StringColumn(builder.kind == .string ? builder.strings : Array(repeating: nil, count: rows)))
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

    mutating func expect(_ byte: UInt8, _ what: String) throws(ConnectomeError) {
        guard peek() == byte else {
            throw error(position >= bytes.count ? "the answer ends where it expected \(what): it was cut short"
                                                : "expected \(what), found '\(Self.shown(bytes[position]))' at byte \(position)")
        }
        position += 1
    }

    mutating func literal(_ word: String) throws(ConnectomeError) {
        let count = word.utf8.count
        guard position + count <= bytes.count,
              UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)]).elementsEqual(word.utf8)
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

extension JSONRecordsParser.Builder {
    /// A slot for a null in the array of the column's kind.
    mutating func append(placeholder: Void) {
        switch kind {
        case .int: ints.append(0)
        case .uint: uints.append(0)
        case .double: doubles.append(0)
        case .string: strings.append(nil)
        case .bool: bools.append(false)
        case .unknown: break
        }
    }
}
