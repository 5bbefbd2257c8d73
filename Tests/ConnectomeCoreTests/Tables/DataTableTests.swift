import Testing
@testable import ConnectomeCore

/// The table operations the commands are built on: gather, mask, head, select, sort, concat,
/// group-by, ID lookup.
@Suite struct DataTableTests {
    /// pre, post, weight, name (with a null), a list column.
    static func connections() throws -> DataTable {
        try DataTable(columns: [
            DataColumn("pre", .uint64(ScalarColumn(values: [1, 2, 1, 3, 1, 2, 18_446_744_073_709_551_615]))),
            DataColumn("post", .uint64(ScalarColumn(values: [2, 3, 2, 1, 3, 3, 1]))),
            DataColumn("weight", .int64(ScalarColumn([5, 1, 5, nil, 2, 7, 3], null: 0))),
            DataColumn("name", .string(StringColumn(["b", "a", nil, "c", "a", "B", "é"]))),
            DataColumn("tags", .stringList(StringListColumn([["x"], [], nil, ["y", "z"], ["x", nil], ["w"], []]))),
        ])
    }

    @Test func constructionChecksLengthsAndNames() {
        #expect(throws: ConnectomeError.self) {
            try DataTable(columns: [DataColumn("a", .int64(ScalarColumn(values: [1]))), DataColumn("b", .int64(ScalarColumn(values: [])))])
        }
        #expect(throws: ConnectomeError.self) {
            try DataTable(columns: [DataColumn("a", .int64(ScalarColumn(values: [1]))), DataColumn("a", .int64(ScalarColumn(values: [2])))])
        }
    }

    @Test func gatherKeepsEveryTypeAndItsNulls() throws {
        let table = try Self.connections()
        let taken = table.taking(rows: [6, 2, 2, 0])
        #expect(taken.rowCount == 4)
        #expect(taken[row: 0, column: "pre"] == TableCell.uint64(18_446_744_073_709_551_615))
        #expect(taken[row: 1, column: "name"] == TableCell.null)
        #expect(taken[row: 1, column: "tags"] == TableCell.null)
        #expect(taken[row: 3, column: "tags"] == TableCell.stringList(["x"]))
        #expect(taken[row: 0, column: "name"] == TableCell.string("é"))
        let masked = table.filtered(by: RowMask(flags: [false, true, false, true, true, false, false]))
        #expect(masked.column("tags")?.data.cell(2) == .stringList(["x", nil]))
        #expect(masked.column("weight")?.data.cell(1) == .null)
        #expect(table.head(2).rowCount == 2 && table.head(100).rowCount == 7 && table.head(-1).rowCount == 0)
        #expect(table.tail(1)[row: 0, column: "post"] == TableCell.uint64(1))
    }

    @Test func selectOrdersColumnsAndNamesTheMissingOne() throws {
        let table = try Self.connections()
        #expect(try table.selecting(["weight", "pre"]).columnNames == ["weight", "pre"])
        do {
            _ = try table.selecting(["wieght"])
            Issue.record("selecting a missing column did not throw")
        } catch {
            #expect(error.message.contains("'wieght'") && error.message.contains("'weight'") && error.hint.contains("'weight'"))
        }
    }

    @Test func sortIsStableWithNullsLastBothWays() throws {
        let table = try Self.connections()
        #expect(try table.sortOrder(by: [SortKey("weight")]) == [1, 4, 6, 0, 2, 5, 3])
        #expect(try table.sortOrder(by: [SortKey("weight", descending: true)]) == [5, 0, 2, 6, 4, 1, 3])
        // Strings by code point (UTF-8 byte order): "B" < "a" < "b" < "c" < "é"; the null last.
        #expect(try table.sortOrder(by: [SortKey("name")]) == [5, 1, 4, 0, 3, 6, 2])
        #expect(try table.sortOrder(by: [SortKey("pre"), SortKey("weight", descending: true)]) == [0, 2, 4, 5, 1, 3, 6])
        #expect(throws: ConnectomeError.self) { try table.sorted(by: "tags") }
        let doubles = try DataTable(columns: [DataColumn("x", .double(ScalarColumn(values: [2, .nan, -1, 2])))])
        #expect(try doubles.sortOrder(by: [SortKey("x", descending: true)]) == [0, 3, 2, 1])
    }

    @Test func concatJoinsTablesWithTheSameColumns() throws {
        let table = try Self.connections()
        let joined = try DataTable.concatenating([table.head(3), DataTable(), table.taking(rows: [3, 4])])
        #expect(joined.rowCount == 5)
        #expect(joined == table.head(5))
        #expect(throws: ConnectomeError.self) { try DataTable.concatenating([table, try table.selecting(["pre"])]) }
        let other = try DataTable(columns: [DataColumn("pre", .int64(ScalarColumn(values: [1])))])
        #expect(throws: ConnectomeError.self) { try DataTable.concatenating([try table.selecting(["pre"]), other]) }
    }

    @Test func groupCountCountsPairsInFirstAppearanceOrder() throws {
        let table = try Self.connections()
        let counts = try table.groupCount(by: ["pre", "post"], countName: "weight")
        #expect(counts.columnNames == ["pre", "post", "weight"])
        let rows = (0..<counts.rowCount).map { row in
            (0..<3).map { counts[row: row, column: $0].text ?? "null" }
        }
        #expect(rows == [["1", "2", "2"], ["2", "3", "2"], ["3", "1", "1"], ["1", "3", "1"], ["18446744073709551615", "1", "1"]])
        let single = try table.groupCount(by: ["post"])
        #expect(single.column("count")?.data == .int64(ScalarColumn(values: [2, 3, 2])))
    }

    @Test func groupSumSkipsNullsAndChecksOverflow() throws {
        let table = try Self.connections()
        let sums = try table.groupSum(by: ["pre", "post"], summing: "weight")
        #expect(sums.column("weight")?.data == .int64(ScalarColumn(values: [10, 8, 0, 2, 3])))
        let huge = try DataTable(columns: [
            DataColumn("pre", .uint64(ScalarColumn(values: [1, 1]))),
            DataColumn("w", .int64(ScalarColumn(values: [Int64.max, 1]))),
        ])
        #expect(throws: ConnectomeError.self) { try huge.groupSum(by: ["pre"], summing: "w") }
        #expect(throws: ConnectomeError.self) { try table.groupCount(by: ["name"]) }
    }

    @Test func groupingManyKeysMatchesADictionary() throws {
        var generator = SystemRandomNumberGenerator()
        let pre = (0..<20_000).map { _ in UInt64.random(in: 0..<300, using: &generator) &* 0x9E37_79B9_7F4A_7C15 }
        let post = (0..<20_000).map { _ in UInt64.random(in: 0..<50, using: &generator) }
        let table = try DataTable(columns: [DataColumn("pre", .uint64(ScalarColumn(values: pre))),
                                            DataColumn("post", .uint64(ScalarColumn(values: post)))])
        let counts = try table.groupCount(by: ["pre", "post"])
        var reference: [String: Int64] = [:]
        for (a, b) in zip(pre, post) { reference["\(a) \(b)", default: 0] += 1 }
        #expect(counts.rowCount == reference.count)
        for row in 0..<counts.rowCount {
            let key = "\(counts[row: row, column: 0].text!) \(counts[row: row, column: 1].text!)"
            #expect(counts[row: row, column: 2] == .int64(reference[key] ?? -1))
        }
    }

    @Test func rowIndexFindsRowsInTheOrderGiven() throws {
        let table = try Self.connections()
        let index = try RowIndex(table, column: "pre")
        #expect(index.rows(for: 1) == [0, 2, 4] && index.rows(for: 99) == [] && index.distinctCount == 4)
        let (rows, missing) = index.lookup([3, 99, 1, 18_446_744_073_709_551_615])
        #expect(rows == [3, 0, 2, 4, 6] && missing == [99])
        let (found, notFound) = try table.rows(withIDs: [2, 5], column: "post")
        #expect(found.rowCount == 2 && notFound == [5])
    }

    @Test func idColumnPreferenceAndIDs() throws {
        let table = try Self.connections()
        #expect(table.idColumnName == "pre")
        #expect(try table.ids().map(\.rawValue) == [1, 2, 1, 3, 1, 2, 18_446_744_073_709_551_615])
        let named = try DataTable(columns: [DataColumn("id", .int64(ScalarColumn(values: [4]))),
                                            DataColumn("root_id", .int64(ScalarColumn(values: [7])))])
        #expect(named.idColumnName == "root_id")
        #expect(try named.ids() == [7])
        let text = try DataTable(columns: [DataColumn("root_id", .string(StringColumn(["12", nil, "x"])))])
        #expect(throws: ConnectomeError.self) { try text.ids() }
        #expect(try text.head(2).ids() == [12])
        let negative = try DataTable(columns: [DataColumn("id", .int64(ScalarColumn(values: [-1])))])
        #expect(throws: ConnectomeError.self) { try negative.ids() }
        let none = try DataTable(columns: [DataColumn("x", .int64(ScalarColumn(values: [1])))])
        do {
            _ = try none.ids()
            Issue.record("a table without an ID column gave IDs")
        } catch {
            #expect(error.message.contains("no ID column") && error.message.contains("'x'"))
        }
    }

    @Test func membershipMaskSmallAndLargeSets() throws {
        let table = try Self.connections()
        #expect(try table.mask("pre", in: [2, 3]).selectedRows == [1, 3, 5])
        let many = Array(UInt64(100)..<UInt64(200)) + [1]
        #expect(try table.mask("pre", in: many).selectedRows == [0, 2, 4])
    }

    @Test func cellTextIsWhatCSVHolds() {
        #expect(TableCell.double(5).text == "5.0" && TableCell.double(1e-5).text == "1e-05" && TableCell.double(.infinity).text == "inf")
        #expect(TableCell.bool(false).text == "False")
        #expect(TableCell.stringList(["a", "say \"hi\"", nil]).text == #"["a", "say \"hi\"", null]"#)
        #expect(TableCell.intVector([1, -2, 3]).text == "[1, -2, 3]")
        #expect(TableCell.timestamp(1_714_566_600_500, .millisecond, timeZone: "UTC").text == "2024-05-01 12:30:00.5+00:00")
        #expect(TableCell.timestamp(-1, .second, timeZone: nil).text == "1969-12-31 23:59:59")
        #expect(TableCell.timestamp(0, .second, timeZone: "Europe/Berlin").text == "1970-01-01 01:00:00+01:00")
        #expect(TableCell.timestamp(Int64.max, .second, timeZone: nil).text?.hasSuffix("since 1970") == true)
    }

    @Test func nameSuggestions() {
        #expect(NameSuggestion.nearest(to: "cel_type", in: ["cell_type", "cell_class", "side"]).first == "cell_type")
        #expect(NameSuggestion.nearest(to: "TYPE", in: ["cell_type", "side"]) == ["cell_type"])
        #expect(NameSuggestion.nearest(to: "zzzzzz", in: ["cell_type", "side"]) == [])
    }
}
