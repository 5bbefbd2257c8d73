import Foundation
import ImageCodecs
import Testing
@testable import ConnectomeCore

/// The CSV/TSV reader: quoting, line ends, type inference as pandas does it, lists, IDs, errors.
@Suite struct CSVReaderTests {
    static func read(_ text: String, name: String = "t.csv") throws(ConnectomeError) -> DataTable {
        try CSVReader.read(bytes: Data(text.utf8), name: name)
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws {
        let table = try Self.read("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"\"\"\"\r\n\"q\"tail,plain\n")
        #expect(table.rowCount == 3)
        #expect(table[row: 0, column: "a"] == .string("x, y") && table[row: 0, column: "b"] == .string("say \"hi\""))
        #expect(table[row: 1, column: "a"] == .string("two\nlines") && table[row: 1, column: "b"] == .string("\""))
        #expect(table[row: 2, column: "a"] == .string("qtail"))
    }

    /// Every field of `text` as the one-piece tokenizer and as `parts` pieces (cut after a `\n`
    /// each, however small) find it: the same, whether a cut falls between rows or inside a
    /// quoted field with line breaks (that attempt is dropped and the text read in one piece).
    @Test(arguments: [2, 3, 5, 8])
    func tokenizingInPartsMatchesOnePiece(parts: Int) throws {
        var text = "id,note,n\r\n"
        for row in 0..<400 {
            switch row % 5 {
            case 0: text += "\(row),\"two\nlines, \"\"quoted\"\"\nthree\",\(row * 7)\n"
            case 1: text += "\(row),plain,\(row)\r\n"
            case 2: text += "\n\(row),\"\n\n\",\n"  // a blank line, then a field of line breaks
            case 3: text += "\(row),\"q\"tail,-\(row)\n"
            default: text += "\(row),short\n"
            }
        }
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let whole = try CSVTokenizer.tokenize(buffer, delimiter: 0x2C, name: "t.csv", parts: 1)
            let split = try CSVTokenizer.tokenize(buffer, delimiter: 0x2C, name: "t.csv", parts: parts, partBytes: 0)
            #expect(whole.rowCount == 400 && split.rowCount == 400 && split.header == whole.header)
            for row in 0..<400 {
                for column in 0..<3 where split.range(row: row, column: column) != whole.range(row: row, column: column) {
                    Issue.record("row \(row) column \(column): \(split.range(row: row, column: column)) in parts, \(whole.range(row: row, column: column)) whole")
                }
            }
        }
        // Errors are the one-piece pass's, with its line numbers.
        let bad = Array((text + "1,2,3,4\n" + text).utf8)
        bad.withUnsafeBufferPointer { buffer in
            #expect(throws: ConnectomeError.data("t.csv line 802: 4 fields, expected 3 (the header has 3 columns)",
                                                 hint: "quote fields that contain the delimiter, or check that the header names every column")) {
                try CSVTokenizer.tokenize(buffer, delimiter: 0x2C, name: "t.csv", parts: parts, partBytes: 0)
            }
        }
    }

    /// A file large enough to be tokenized on every core reads as its rows say.
    @Test func largeFilesReadInPartsAgree() throws {
        var text = "root_id,name,count\n"
        let rows = 300_000
        for row in 0..<rows { text += row % 1000 == 7 ? "\(row),\"multi\nline, with comma\",\(row)\n" : "\(row),n\(row % 13),\(row)\n" }
        #expect(text.utf8.count >= CSVTokenizer.parallelBytes)
        let table = try Self.read(text)
        #expect(table.rowCount == rows)
        #expect(table.column("root_id")?.type == .uint64 && table.column("count")?.type == .int64)
        #expect(table[row: 7, column: "name"] == .string("multi\nline, with comma"))
        #expect(table[row: rows - 1, column: "count"] == .int64(Int64(rows - 1)))
        #expect(table[row: 123_456, column: "name"] == .string("n\(123_456 % 13)"))
    }

    @Test func lineEndsBlankLinesBOMAndShortRows() throws {
        let table = try Self.read("\u{FEFF}a,b,c\r\n1,2,3\r\n\r\n4,5\r6,7,8")
        #expect(table.columnNames == ["a", "b", "c"])
        #expect(table.rowCount == 3)
        #expect(table[row: 1, column: "c"] == .null)
        #expect(table[row: 2, column: "a"] == .int64(6))
    }

    @Test func typesAreInferredPerColumn() throws {
        let table = try Self.read("""
            root_id,n,x,flag,name,big,neg,mixed,count
            576460752303423488,1,1.5,True,a,18446744073709551615,-1,1,7
            720575940379279360,-2,2,false,b,1,2,x,
            1,3,1e-3,TRUE,,0,-9223372036854775808,2.5,NaN
            """)
        #expect(table.column("root_id")?.type == .uint64)
        #expect(table.column("n")?.type == .int64)
        #expect(table.column("x")?.type == .double)
        #expect(table.column("flag")?.type == .bool)
        #expect(table.column("name")?.type == .string)
        #expect(table.column("big")?.type == .uint64)
        #expect(table.column("neg")?.type == .int64)
        #expect(table.column("mixed")?.type == .string)
        #expect(table.column("count")?.type == .int64)
        #expect(table[row: 0, column: "big"] == .uint64(18_446_744_073_709_551_615))
        #expect(table[row: 2, column: "neg"] == .int64(Int64.min))
        #expect(table[row: 2, column: "x"] == .double(0.001))
        #expect(table[row: 2, column: "name"] == .null && table[row: 2, column: "count"] == .null)
        #expect(table[row: 1, column: "flag"] == .bool(false))
    }

    @Test func integersPastEveryIntegerTypeAreFloats() throws {
        let table = try Self.read("a,b\n-9223372036854775809,99999999999999999999\n1,2\n")
        #expect(table.column("a")?.type == .double && table.column("b")?.type == .double)
        let mixed = try Self.read("a\n-1\n18446744073709551615\n")
        #expect(mixed.column("a")?.type == .double)
    }

    @Test func idNamesMakeNonNegativeIntegersUInt64() throws {
        let table = try Self.read("id,pre,post,supervoxel_id,n\n1,2,3,4,5\n")
        #expect(table.columns.map(\.type) == [.uint64, .uint64, .uint64, .uint64, .int64])
        #expect(try Self.read("id\n-1\n").column("id")?.type == .int64)
    }

    @Test func pandasNullSpellingsAreNull() throws {
        let table = try Self.read("a,b\nNA,1\nNone,2\nnull,3\n#N/A,4\n<NA>,5\nx,6\n")
        #expect((0..<5).allSatisfy { table[row: $0, column: "a"] == .null })
        #expect(table[row: 5, column: "a"] == .string("x"))
    }

    @Test func listCellsAsJSONOrPythonRepr() throws {
        let table = try Self.read(#"""
            status,position,pos
            "[""a"", ""b""]","[1, 2, 3]","[1.5, 2, 3]"
            "['it\'s', ""say \""hi\"""", None]",[],
            [],"[-4,5,6]","[0.0, 0.0, 1e3]"
            "[""\u00fc\ud83d\ude00"", null]",,
            """#)
        #expect(table.column("status")?.type == .stringList)
        #expect(table.column("position")?.type == .intVector)
        #expect(table.column("pos")?.type == .vector)
        #expect(table[row: 0, column: "status"] == .stringList(["a", "b"]))
        #expect(table[row: 1, column: "status"] == .stringList(["it's", "say \"hi\"", nil]))
        #expect(table[row: 2, column: "status"] == .stringList([]))
        #expect(table[row: 3, column: "status"] == .stringList(["ü😀", nil]))
        #expect(table[row: 1, column: "position"] == .null)
        #expect(table[row: 2, column: "position"] == .intVector([-4, 5, 6]))
        #expect(table[row: 2, column: "pos"] == .vector([0, 0, 1000]))
    }

    @Test func listsOfOtherShapesAreText() throws {
        let table = try Self.read("a,b\n\"[1, 2]\",\"[1, \"\"x\"\"]\"\n")
        #expect(table.column("a")?.type == .string && table.column("b")?.type == .string)
    }

    @Test func delimiterFromTheNameOrTheHeader() throws {
        #expect(try Self.read("a\tb\n1\t2\n", name: "t.tsv").columnNames == ["a", "b"])
        #expect(try Self.read("a\tb\n1\t2\n", name: "t.tsv.gz").columnNames == ["a", "b"])
        #expect(try Self.read("a;b;c\n1;2;3\n", name: "export").columnNames == ["a", "b", "c"])
        #expect(try Self.read("a,b\n1,2\n", name: "export").columnNames == ["a", "b"])
    }

    @Test func gzipIsUndone() throws {
        let table = try CSVReader.read(bytes: Gzip.compress(Data("a,b\n1,x\n".utf8)), name: "t.csv.gz")
        #expect(table[row: 0, column: "b"] == .string("x"))
        #expect(throws: ConnectomeError.self) { try CSVReader.read(bytes: Data([0x1f, 0x8b, 1, 2, 3]), name: "bad.csv.gz") }
    }

    @Test func duplicateAndEmptyHeaderNames() throws {
        #expect(try Self.read(",a,a,a.1\n1,2,3,4\n").columnNames == ["Unnamed: 0", "a", "a.1", "a.1.1"])
    }

    @Test func badFilesNameTheFileTheLineAndWhatWasExpected() {
        do {
            _ = try Self.read("a,b\n1,2\n1,2,3\n", name: "cells.csv")
            Issue.record("too many fields were accepted")
        } catch {
            #expect(error.kind == .data && error.message.contains("cells.csv line 3") && error.message.contains("3 fields, expected 2"))
        }
        do {
            _ = try Self.read("a,b\n1,\"open\n2,3\n", name: "cells.csv")
            Issue.record("an unclosed quote was accepted")
        } catch {
            #expect(error.kind == .data && error.message.contains("line 2") && error.message.contains("never closed"))
        }
        #expect(throws: ConnectomeError.self) { try Self.read("", name: "empty.csv") }
    }

    @Test func headerOnlyAndAllNullColumns() throws {
        let table = try Self.read("a,b\n")
        #expect(table.rowCount == 0 && table.columnNames == ["a", "b"])
        let nulls = try Self.read("a,b\n,1\n,2\n")
        #expect(nulls.column("a")?.type == .string && nulls[row: 1, column: "a"] == .null)
    }

    @Test func doublesParseExactly() throws {
        let values = ["0.1", "1.7976931348623157e308", "5e-324", "123456789012345678901234567890", "-0.0", "2.2250738585072014e-308",
                      "0.30000000000000004", "1e22", "1e23", "9007199254740993", ".5", "5.", "+3", "inf", "-Infinity"]
        let table = try Self.read("x\n" + values.joined(separator: "\n") + "\n")
        for (row, text) in values.enumerated() {
            let expected = text.hasPrefix("-Inf") ? -Double.infinity : Double(text)!
            #expect(table[row: row, column: "x"] == .double(expected), "\(text)")
        }
    }

    @Test func writerRoundTripsEveryType() throws {
        let table = try DataTable(columns: [
            DataColumn("root_id", .uint64(ScalarColumn([18_446_744_073_709_551_615, nil, 0], null: 0))),
            DataColumn("n", .int64(ScalarColumn(values: [Int64.min, -1, 7]))),
            DataColumn("x", .double(ScalarColumn([0.1, nil, -2.5e-300], null: .nan))),
            DataColumn("flag", .bool(ScalarColumn([true, false, nil], null: false))),
            DataColumn("name", .string(StringColumn(["a,b", "say \"hi\"\nthere", nil]))),
            DataColumn("tags", .stringList(StringListColumn([["a", "b,c"], [], nil]))),
            DataColumn("pos", .intVector(VectorColumn(values: [1, 2, 3, -4, 5, 6, 0, 0, 0], validity: Validity([true, true, false])))),
            DataColumn("p", .vector(VectorColumn(values: [0.5, 1, 2, 3, 4, 5, 6, 7, 8]))),
        ])
        let text = CSVWriter.write(table)
        let back = try CSVReader.read(bytes: text, name: "round.csv")
        #expect(back == table, "\(String(decoding: text, as: UTF8.self))")
        let tsv = try CSVReader.read(bytes: CSVWriter.write(table, delimiter: 0x09), name: "round.tsv")
        #expect(tsv == table)
    }
}
