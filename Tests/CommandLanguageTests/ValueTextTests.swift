import Testing
@testable import CommandLanguage

@Suite("Value text")
struct ValueTextTests {
    @Test("plain text of every kind", arguments: [
        (Value.int(720_575_940_621_039_145), "720575940621039145"),
        (.int(Int128(UInt64.max)), "18446744073709551615"),
        (.int(-5), "-5"),
        (.float(8e-9), "8e-9"),
        (.float(1.5), "1.5"),
        (.float(1e20), "1e20"),
        (.float(1000), "1000.0"),
        (.string("a \"b\""), "a \"b\""),
        (.list(["a", 1, .list([])]), "[\"a\", 1, []]"),
        (.vector([1, 2, 3]), "(1, 2, 3)"),
        (.record(Record(["a": 1, "b c": "x", "2": true])), "{a: 1, \"b c\": \"x\", \"2\": true}"),
        (.null, "null"),
        (.bool(false), "false"),
        (.custom(StubImage(width: 2, height: 3)), "<image 2×3>"),
    ])
    func plainText(value: Value, expected: String) {
        #expect(value.plainText == expected)
    }

    @Test("a value is 17 bytes: tables, records and custom values are boxed, so copies stay inline")
    func valueLayout() {
        #expect(MemoryLayout<Value>.size == 17)
        let table = Value.table(Table(title: "t", columns: ["a"], rows: [[1]]))
        let copy = table
        #expect(copy == table && copy.asTable?.rows == [[1]])
    }

    @Test("kind names")
    func kindNames() {
        let values: [Value] = [nil, true, 1, 1.5, "s", [1], .vector([1, 2]), .record(Record()), .table(Table(columns: [])),
                               .custom(StubImage(width: 1, height: 1))]
        #expect(values.map(\.kindName) == ["null", "boolean", "integer", "number", "string", "list", "vector", "record",
                                           "table", "image"])
    }

    @Test("tables as aligned columns, numbers to the right")
    func table() {
        let table = Table(title: "Neurons", columns: ["name", "n"], rows: [["a", 5], ["bbb", 123]], footer: "2 rows")
        #expect(Value.table(table).plainText == """
            Neurons
            name    n
            ----  ---
            a       5
            bbb   123
            2 rows
            """)
    }

    @Test("strings printed nested read back as the same string")
    func quoting() async {
        let text = "tab\there \"quoted\" back\\slash\nnewline"
        let quoted = Value.string(text).nestedText
        #expect(await value(of: quoted) == .string(text))
    }

    @Test("accessors")
    func accessors() {
        #expect(Value.int(Int128(UInt64.max)).asUInt64 == UInt64.max)
        #expect(Value.int(-1).asUInt64 == nil)
        #expect(Value.float(1000).asInt == 1000)
        #expect(Value.float(1.5).asInt == nil)
        #expect(Value.int(3).asDouble == 3)
        #expect(Value.vector([1, 2]).asList == [1, 2])
        #expect(Value.string("x").asInt == nil)
        #expect(Value.custom(StubImage(width: 1, height: 1)) == .custom(StubImage(width: 1, height: 1)))
    }

    @Test("records keep order, replace in place and remove on nil")
    func records() {
        var record = Record(["b": 1, "a": 2])
        record["b"] = 3
        record["c"] = 4
        record["a"] = nil
        #expect(record.keys == ["b", "c"])
        #expect(record["b"] == .int(3))
    }

    @Test("nearest-name suggestions use an edit distance with transpositions")
    func suggestions() {
        #expect(Suggestion.nearest(to: "slcie", among: ["slice", "sleep", "show"]) == "slice")
        #expect(Suggestion.nearest(to: "sise", among: ["size", "x"]) == "size")
        #expect(Suggestion.nearest(to: "frobnicate", among: ["slice", "show"]) == nil)
        #expect(Suggestion.editDistance(Array("kitten"), Array("sitting")) == 3)
    }
}
