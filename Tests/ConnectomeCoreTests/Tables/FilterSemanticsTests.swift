import Testing
@testable import ConnectomeCore

/// crantpy's filter rules (reference `neurons.md` §2, `filter_df` and `NeuronCriteria`), one case
/// per rule, on a small annotation table with every kind of column and nulls.
@Suite struct FilterSemanticsTests {
    static let table: DataTable = {
        try! DataTable(columns: [
            DataColumn("root_id", .uint64(ScalarColumn(values: [10, 20, 30, 576_460_752_303_423_488, 18_446_744_073_709_551_615]))),
            DataColumn("cell_class", .string(StringColumn(["Kenyon_Cell", "kenyon_cell", "PN", nil, "Kenyon_Cell_like"]))),
            DataColumn("cell_type", .string(StringColumn(["KC-ab", "KC-g", nil, "kc-ab", "a.b"]))),
            DataColumn("status", .stringList(StringListColumn([["proofread", "checked"], ["checked"], nil, [], ["Proofread"]]))),
            DataColumn("proofread", .bool(ScalarColumn([true, false, nil, true, false], null: false))),
            DataColumn("size", .double(ScalarColumn(values: [1.5, 2.0, .nan, 5.0, 1.0]))),
            DataColumn("count", .int64(ScalarColumn([5, 0, nil, -3, 1], null: 0))),
            DataColumn("side", .string(StringColumn(["left", "right", "Left", "left ", "ünï"]))),
            DataColumn("position", .intVector(VectorColumn(values: [1, 2, 3, 4, 5, 6, 0, 0, 0, 7, 8, 9, 1, 1, 1],
                                                           validity: Validity([true, true, false, true, true])))),
            DataColumn("created", .timestamp(ScalarColumn(values: [0, 1, 2, 3, 4]), .second, timeZone: nil)),
        ])
    }()

    struct Case: Sendable, CustomStringConvertible {
        var rule: String
        var criteria: [FilterCriterion]
        var options = FilterOptions()
        var rows: [Int]
        var description: String { "\(rule): \(criteria) \(options)" }
    }

    static func one(_ field: String, _ value: FilterValue) -> [FilterCriterion] { [FilterCriterion(field, value)] }
    static func list(_ field: String, _ values: [FilterValue]) -> [FilterCriterion] { [FilterCriterion(field, anyOf: values)] }

    static let cases: [Case] = [
        // Scalar text, single value (5, single-value rules 1–4) — case=false is the default.
        Case(rule: "!case exact: lower-cased equality", criteria: one("cell_class", .string("kenyon_cell")), rows: [0, 1]),
        Case(rule: "case exact: equality", criteria: one("cell_class", .string("kenyon_cell")),
             options: FilterOptions(caseSensitive: true), rows: [1]),
        Case(rule: "!case !exact: lower-cased regex search", criteria: one("cell_class", .string("kenyon")),
             options: FilterOptions(exact: false), rows: [0, 1, 4]),
        Case(rule: "case !exact: case-sensitive regex search", criteria: one("cell_class", .string("Kenyon")),
             options: FilterOptions(caseSensitive: true, exact: false), rows: [0, 4]),
        Case(rule: "!exact: the value is a regex", criteria: one("cell_type", .string("a.b")),
             options: FilterOptions(exact: false), rows: [4]),
        Case(rule: "regex, case-insensitive by default", criteria: one("cell_class", .string("^kenyon_cell$")),
             options: FilterOptions(regex: true), rows: [0, 1]),
        Case(rule: "regex, case-sensitive", criteria: one("cell_class", .string("^Kenyon")),
             options: FilterOptions(regex: true, caseSensitive: true), rows: [0, 4]),
        Case(rule: "regex searches anywhere", criteria: one("cell_class", .string("cell")),
             options: FilterOptions(regex: true), rows: [0, 1, 4]),
        Case(rule: "!case: unicode lower-casing", criteria: one("side", .string("ÜNÏ")), rows: [4]),
        Case(rule: "!case exact: no trimming", criteria: one("side", .string("left")), rows: [0, 2]),
        Case(rule: "nulls never match", criteria: one("cell_type", .string("kc-ab")), rows: [0, 3]),
        Case(rule: "numbers become text on text columns", criteria: one("cell_class", .int(5)), rows: []),
        // Scalar text, list value (list rules 1–4).
        Case(rule: "list !case: lower-cased exact membership", criteria: list("cell_class", [.string("pn"), .string("KENYON_CELL")]),
             rows: [0, 1, 2]),
        Case(rule: "list !case beats !exact: still exact membership", criteria: list("cell_class", [.string("kenyon")]),
             options: FilterOptions(exact: false), rows: []),
        Case(rule: "list case !exact: lower-cased plain substrings", criteria: list("cell_class", [.string("Kenyon"), .string("P")]),
             options: FilterOptions(caseSensitive: true, exact: false), rows: [0, 1, 2, 4]),
        Case(rule: "list !exact substrings are not regexes", criteria: list("cell_type", [.string("a.b")]),
             options: FilterOptions(caseSensitive: true, exact: false), rows: [4]),
        Case(rule: "list case exact: membership", criteria: list("cell_class", [.string("Kenyon_Cell"), .string("PN")]),
             options: FilterOptions(caseSensitive: true), rows: [0, 2]),
        Case(rule: "list regex: patterns joined with |", criteria: list("cell_class", [.string("^PN$"), .string("cell$")]),
             options: FilterOptions(regex: true), rows: [0, 1, 2]),
        // List-valued columns (rule 4): exact, case-sensitive element membership; options ignored.
        Case(rule: "list column, single value: contains", criteria: one("status", .string("checked")), rows: [0, 1]),
        Case(rule: "list column: element equality is case-sensitive", criteria: one("status", .string("Proofread")), rows: [4]),
        Case(rule: "list column: case=false is ignored", criteria: one("status", .string("proofread")),
             options: FilterOptions(caseSensitive: false), rows: [0]),
        Case(rule: "list column: regex is ignored", criteria: one("status", .string("proof.*")),
             options: FilterOptions(regex: true), rows: []),
        Case(rule: "list column, list value: any-of", criteria: list("status", [.string("proofread"), .string("nothing")]), rows: [0]),
        Case(rule: "list column, match_all: all-of", criteria: list("status", [.string("proofread"), .string("checked")]),
             options: FilterOptions(matchAll: true), rows: [0]),
        Case(rule: "list column, match_all of nothing: every non-null list", criteria: list("status", []),
             options: FilterOptions(matchAll: true), rows: [0, 1, 3, 4]),
        Case(rule: "list column, any-of nothing: none", criteria: list("status", []), rows: []),
        Case(rule: "list column: a number is not a string element", criteria: one("status", .int(5)), rows: []),
        Case(rule: "number lists: numeric membership", criteria: one("position", .int(5)), rows: [1]),
        Case(rule: "number lists: any-of", criteria: list("position", [.int(1), .double(6)]), rows: [0, 1, 4]),
        Case(rule: "number lists: text never equals a number", criteria: one("position", .string("5")), rows: []),
        // Booleans: the value's truthiness.
        Case(rule: "bool", criteria: one("proofread", .bool(true)), rows: [0, 3]),
        Case(rule: "bool: the string False is true", criteria: one("proofread", .string("False")), rows: [0, 3]),
        Case(rule: "bool: 0 is false", criteria: one("proofread", .int(0)), rows: [1, 4]),
        Case(rule: "bool: regex is ignored", criteria: one("proofread", .string("x")), options: FilterOptions(regex: true), rows: [0, 3]),
        // Numbers: the value converted with float() / int().
        Case(rule: "float equality", criteria: one("size", .double(1.5)), rows: [0]),
        Case(rule: "float: a string converts", criteria: one("size", .string(" 2 ")), rows: [1]),
        Case(rule: "float: NaN is null", criteria: one("size", .string("nan")), rows: []),
        Case(rule: "float: list membership", criteria: list("size", [.double(1), .int(5)]), rows: [3, 4]),
        Case(rule: "int equality", criteria: one("count", .int(5)), rows: [0]),
        Case(rule: "int: a string converts", criteria: one("count", .string("-3")), rows: [3]),
        Case(rule: "int: int() truncates a float", criteria: one("count", .double(5.9)), rows: [0]),
        Case(rule: "int: True is 1", criteria: one("count", .bool(true)), rows: [4]),
        Case(rule: "int: regex with a number is equality", criteria: one("count", .string("0")),
             options: FilterOptions(regex: true), rows: [1]),
        // IDs: crantpy keeps them as text.
        Case(rule: "ID equality", criteria: one("root_id", .uint(576_460_752_303_423_488)), rows: [3]),
        Case(rule: "ID as text", criteria: one("root_id", .string("18446744073709551615")), rows: [4]),
        Case(rule: "ID: leading zeros are other text", criteria: one("root_id", .string("0576460752303423488")), rows: []),
        Case(rule: "ID: substring of the decimal text", criteria: one("root_id", .string("5764")),
             options: FilterOptions(exact: false), rows: [3]),
        Case(rule: "ID: regex on the decimal text", criteria: one("root_id", .string("^1844|^10$")),
             options: FilterOptions(regex: true), rows: [0, 4]),
        Case(rule: "ID list membership", criteria: list("root_id", [.int(20), .string("30"), .uint(7)]), rows: [1, 2]),
        // NeuronCriteria: criteria ANDed; none = every row.
        Case(rule: "criteria are ANDed", criteria: one("cell_class", .string("kenyon_cell")) + one("side", .string("left")), rows: [0]),
        Case(rule: "no criteria: every row", criteria: [], rows: [0, 1, 2, 3, 4]),
    ]

    @Test(arguments: cases)
    func rule(_ rule: Case) throws {
        let mask = try Self.table.filterMask(rule.criteria, options: rule.options)
        #expect(mask.selectedRows == rule.rows, "\(rule)")
    }

    @Test func filteredKeepsTableOrderAndColumns() throws {
        let result = try Self.table.filtered(Self.one("cell_class", .string("KENYON_CELL")))
        #expect(result.rowCount == 2 && result.columnNames == Self.table.columnNames)
        #expect(result[row: 1, column: "root_id"] == TableCell.uint64(20))
    }

    @Test func unknownFieldListsTheFieldsAndSuggestsTheNearest() {
        #expect(throws: FilterError.unknownField("cell_klass", available: Self.table.columnNames, suggestions: ["cell_class"])) {
            try Self.table.filterMask(Self.one("cell_klass", .string("x")))
        }
        #expect(throws: FilterError.unknownField("class", available: Self.table.columnNames, suggestions: ["cell_class"])) {
            try Self.table.filterMask(Self.one("class", .string("x")))
        }
        let message = FilterError.unknownField("class", available: ["a", "cell_class"], suggestions: ["cell_class"]).description
        #expect(message == "\"class\" is not a searchable field. Available fields are: ['a', 'cell_class']. Did you mean one of: ['cell_class']?")
    }

    @Test func searchableFieldsLimitTheCriteria() {
        #expect(throws: FilterError.self) {
            try Self.table.filterMask(Self.one("side", .string("left")), fields: ["cell_class", "status"])
        }
    }

    @Test func unknownFieldsAreCheckedBeforeAnyFiltering() {
        // The second criterion is bad; the first would also fail on its own value.
        #expect(throws: FilterError.unknownField("nope", available: Self.table.columnNames, suggestions: [])) {
            try Self.table.filterMask(Self.one("count", .string("abc")) + Self.one("nope", .int(1)))
        }
    }

    @Test func regexThatDoesNotCompileGivesItsPosition() {
        #expect(throws: FilterError.invalidRegex(field: "cell_class", pattern: "kenyon(", position: 7, reason: "expected ')'")) {
            try Self.table.filterMask(Self.one("cell_class", .string("kenyon(")), options: FilterOptions(regex: true))
        }
        // exact=false makes the value a regex too.
        #expect(throws: FilterError.self) {
            try Self.table.filterMask(Self.one("cell_class", .string("[abc")), options: FilterOptions(exact: false))
        }
        let error = FilterError.invalidRegex(field: "f", pattern: "a(", position: 2, reason: "expected ')'").connectomeError
        #expect(error.kind == .argument && error.message.contains("at position 2"))
    }

    @Test func regexOnANumericColumnIsATypeMismatch() {
        #expect(throws: FilterError.regexOnNonText(field: "count", type: .int64, value: "^5")) {
            try Self.table.filterMask(Self.one("count", .string("^5")), options: FilterOptions(regex: true))
        }
        #expect(throws: FilterError.regexOnNonText(field: "size", type: .double, value: "1.*")) {
            try Self.table.filterMask(Self.one("size", .string("1.*")), options: FilterOptions(regex: true))
        }
    }

    @Test func valuesThatDoNotConvertAreFilteringErrors() {
        #expect(throws: FilterError.conversion(field: "count", type: .int64, value: "5.0",
                                               reason: "invalid literal for int() with base 10: '5.0'")) {
            try Self.table.filterMask(Self.one("count", .string("5.0")))
        }
        #expect(throws: FilterError.self) { try Self.table.filterMask(Self.one("size", .string("abc"))) }
        #expect(throws: FilterError.self) { try Self.table.filterMask(Self.one("count", .double(.infinity))) }
        let message = FilterError.conversion(field: "count", type: .int64, value: "x", reason: "r").connectomeError.message
        #expect(message == "Error filtering field 'count' with value 'x': r")
    }

    @Test func timestampColumnsAreNotFilteredByValue() {
        #expect(throws: FilterError.unsupportedColumn(field: "created", type: .timestamp(.second, timeZone: nil))) {
            try Self.table.filterMask(Self.one("created", .int(0)))
        }
    }

    @Test func pythonConversions() {
        #expect(PythonCoercion.integer(.string(" 1_000 ")) == .success(.value(1000)))
        #expect(PythonCoercion.integer(.string("1__0")).map { _ in true } != .success(true))
        #expect(PythonCoercion.integer(.string("99999999999999999999")) == .success(.outOfRange))
        #expect(PythonCoercion.integer(.double(-2.7)) == .success(.value(-2)))
        #expect(PythonCoercion.double(.string("1e3")) == .success(1000))
        #expect(PythonCoercion.double(.string("-Infinity")) == .success(-.infinity))
        #expect(PythonCoercion.double(.string(".5")) == .success(0.5))
        #expect((try? PythonCoercion.double(.string("0x10")).get()) == nil)
        #expect(PythonCoercion.bool(.string("")) == false && PythonCoercion.bool(.double(.nan)) == true)
        #expect(FilterValue.double(5).description == "5.0" && FilterValue.bool(true).description == "True")
    }
}
