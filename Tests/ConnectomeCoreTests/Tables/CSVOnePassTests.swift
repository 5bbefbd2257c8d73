import Testing
@testable import ConnectomeCore

/// The one-pass integer and list builds of `CSVColumnBuilder` against its plain infer-then-convert
/// path (`build(onePass: false)`): the same type, values, validity and list offsets on cells that
/// take every branch (nulls first, late or absent; quoted and padded cells; escaped list
/// elements; a cell late in the column that makes it another type; integers past Int64 or UInt64).
@Suite struct CSVOnePassTests {
    /// Column `name` holding `cells` (CSV field text, quotes included), built both ways.
    static func bothWays(_ name: String, _ cells: [String]) throws -> (onePass: ColumnData, reference: ColumnData) {
        var text = "k,\(name)\n"
        for (row, cell) in cells.enumerated() { text += "\(row),\(cell)\n" }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            let fields = try CSVTokenizer.tokenize(buffer, delimiter: 0x2C, name: "t.csv", parts: 1)
            #expect(fields.rowCount == cells.count)
            let builder = CSVColumnBuilder(bytes: buffer, fields: fields, column: 1, name: name)
            return (builder.build(), builder.build(onePass: false))
        }
    }

    /// Equal cell for cell, and the stored arrays too (values under nulls, offsets, validity).
    static func expectIdentical(_ name: String, _ cells: [String], type: ColumnType,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (onePass, reference) = try bothWays(name, cells)
        #expect(reference.type == type, sourceLocation: sourceLocation)
        #expect(onePass.type == reference.type, sourceLocation: sourceLocation)
        #expect(onePass == reference, sourceLocation: sourceLocation)
        switch (onePass, reference) {
        case (.uint64(let a), .uint64(let b)):
            #expect(a.values == b.values && a.validity == b.validity, sourceLocation: sourceLocation)
        case (.int64(let a), .int64(let b)):
            #expect(a.values == b.values && a.validity == b.validity, sourceLocation: sourceLocation)
        case (.stringList(let a), .stringList(let b)):
            #expect(a.offsets == b.offsets && a.validity == b.validity, sourceLocation: sourceLocation)
            #expect(a.elements.offsets == b.elements.offsets && a.elements.bytes == b.elements.bytes
                    && a.elements.validity == b.elements.validity, sourceLocation: sourceLocation)
        default: break
        }
    }

    /// `count` cells cycling through `pattern`, with `odd` put at `at` (nil: none).
    static func column(_ pattern: [String], count: Int = 300, odd: String? = nil, at: Int = 0) -> [String] {
        var cells = (0..<count).map { pattern[$0 % pattern.count] }
        if let odd { cells[at] = odd }
        return cells
    }

    static let lists = [
        "\"[\"\"a\"\", \"\"b c\"\"]\"", "", "\"['x y' , \"\"q\"\" ]\"", "[]", "NA", " [ 'p' ] ",
        "\"[\"\"say \\\"\"hi\\\"\"\"\", null, None, 'caf\\u00e9']\"", "\"[ ]\"", "['one']", "\"[\"\"\"\"]\"",
    ]

    @Test(arguments: [0, 1, 150, 299])
    func listsOnePassMatchesInference(odd: Int) throws {
        try Self.expectIdentical("status", Self.column(Self.lists), type: .stringList)
        // A cell late (or early) in the column that is not a list of strings makes it text.
        try Self.expectIdentical("status", Self.column(Self.lists, odd: "plain", at: odd), type: .string)
        try Self.expectIdentical("status", Self.column(Self.lists, odd: "\"[1, 2, 3]\"", at: odd), type: .string)
        try Self.expectIdentical("status", Self.column(Self.lists, odd: "[unquoted]", at: odd), type: .string)
        try Self.expectIdentical("status", Self.column(Self.lists, odd: "\"['open'\"", at: odd), type: .string)
        try Self.expectIdentical("status", Self.column(Self.lists, odd: "7", at: odd), type: .string)
        // A null anywhere keeps it a list column.
        try Self.expectIdentical("status", Self.column(Self.lists, odd: "null", at: odd), type: .stringList)
    }

    @Test func listEdgeColumns() throws {
        try Self.expectIdentical("l", Self.column(["[]", "", "\"[ ]\""]), type: .stringList)
        try Self.expectIdentical("l", Self.column(["", "NaN"]), type: .string)  // all null
        try Self.expectIdentical("l", Self.column(["", "[abc"]), type: .string)  // opens a list, is none
        try Self.expectIdentical("l", Self.column(["\"[1, 2, 3]\"", "[]", ""]), type: .intVector)
        try Self.expectIdentical("l", Self.column(["[]", "\"[1.5, 2, 3]\""]), type: .vector)
        try Self.expectIdentical("l", Self.column(["\"[1, 2]\"", ""]), type: .string)
    }

    static let ids = ["576460840779569338", "", "\"  42 \"", " 7", "+5", "0007", "9999999999999999999", "NA",
                      "18446744073709551615", "-0", "00000000000000000000042", "\"123\"", "1"]
    static let counts = ["12", "-5", "", "\" -9223372036854775808\"", "0", "9223372036854775807", "N/A", "+0", "\"77\""]

    @Test(arguments: [0, 1, 150, 299])
    func integersOnePassMatchesInference(odd: Int) throws {
        try Self.expectIdentical("root_id", Self.column(Self.ids), type: .uint64)
        try Self.expectIdentical("count", Self.column(Self.counts), type: .int64)
        // No nulls at all, then a single null anywhere.
        let plain = ["576460840779569338", "3", "12345678901234567890", "0"]
        try Self.expectIdentical("root_id", Self.column(plain), type: .uint64)
        try Self.expectIdentical("root_id", Self.column(plain, odd: "", at: odd), type: .uint64)
        try Self.expectIdentical("count", Self.column(["1", "22", "333"], odd: "NA", at: odd), type: .int64)
        // A negative in an ID column: int64; above Int64 in a count column: uint64.
        try Self.expectIdentical("root_id", Self.column(["5", "", "7"], odd: "-3", at: odd), type: .int64)
        try Self.expectIdentical("count", Self.column(["5", "", "7"], odd: "9223372036854775808", at: odd), type: .uint64)
        // Negative and above Int64, below Int64.min, past UInt64, a float or a word: not integers.
        try Self.expectIdentical("count", Self.column(["-1", "9223372036854775808"], odd: "2", at: odd), type: .double)
        try Self.expectIdentical("count", Self.column(["4", "5"], odd: "-9223372036854775809", at: odd), type: .double)
        try Self.expectIdentical("root_id", Self.column(["4", ""], odd: "18446744073709551616", at: odd), type: .double)
        try Self.expectIdentical("root_id", Self.column(["4", ""], odd: "1.5", at: odd), type: .double)
        try Self.expectIdentical("count", Self.column(["4", "5"], odd: "12a", at: odd), type: .string)
        try Self.expectIdentical("count", Self.column(["4", "5"], odd: "True", at: odd), type: .string)
    }
}
