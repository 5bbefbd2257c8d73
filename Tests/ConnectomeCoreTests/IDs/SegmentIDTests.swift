import ConnectomeCore
import JSONModel
import Testing

@Suite("SegmentID parsing")
struct SegmentIDTests {
    @Test func parsesTheFullUnsignedRange() throws {
        #expect(try SegmentID(parsing: "0").rawValue == 0)
        #expect(try SegmentID(parsing: " 720575940621039145 ").rawValue == 720_575_940_621_039_145)
        #expect(try SegmentID(parsing: "18446744073709551615").rawValue == UInt64.max)
        #expect(SegmentID(576_460_752_664_524_086).description == "576460752664524086")
        #expect(SegmentID(UInt64.max).json == .string("18446744073709551615"))
    }

    @Test func parsesListsSeparatedByCommasAndWhitespace() throws {
        let ids = try SegmentID.parseList("1, 2 3\n4,5 , 6")
        #expect(ids.map(\.rawValue) == [1, 2, 3, 4, 5, 6])
        #expect(try SegmentID.parseList("[576460752664524086, 720575940621039145]").map(\.rawValue)
            == [576_460_752_664_524_086, 720_575_940_621_039_145])
    }

    @Test func readsJSONIntegersStringsAndLists() throws {
        #expect(try SegmentID.parse(.int(3)).map(\.rawValue) == [3])
        #expect(try SegmentID.parse(.string("1,2")).map(\.rawValue) == [1, 2])
        #expect(try SegmentID.parse([.uint(UInt64.max), 5, "42"]).map(\.rawValue) == [UInt64.max, 5, 42])
    }

    /// The exact wording users see, for every kind of bad element.
    @Test(arguments: [
        ("1, 2, 12a", "element 3 of the list, \"12a\", is not an unsigned 64-bit integer; IDs are whole numbers from 0 to 18446744073709551615"),
        ("5 -3", "element 2 of the list, \"-3\", is not an unsigned 64-bit integer (it is negative); IDs are whole numbers from 0 to 18446744073709551615"),
        ("1.5", "element 1 of the list, \"1.5\", is not an unsigned 64-bit integer (it has a fractional part); IDs are whole numbers from 0 to 18446744073709551615"),
        ("7.2e17", "element 1 of the list, \"7.2e17\", is not an unsigned 64-bit integer (it is written as a floating-point number, which cannot hold every digit); IDs are whole numbers from 0 to 18446744073709551615"),
        ("18446744073709551616", "element 1 of the list, \"18446744073709551616\", is not an unsigned 64-bit integer (it is larger than 18446744073709551615); IDs are whole numbers from 0 to 18446744073709551615"),
        ("1,,2", "element 2 of the list is empty (two commas in a row?); IDs are whole numbers from 0 to 18446744073709551615"),
        ("1, 2,", "element 3 of the list is empty (a trailing comma?); IDs are whole numbers from 0 to 18446744073709551615"),
    ])
    func listErrorsNameTheElementAndPosition(input: String, message: String) {
        #expect(throws: ConnectomeError.argument(message)) { try SegmentID.parseList(input) }
    }

    @Test(arguments: [
        ("", "\"\" is not an unsigned 64-bit integer (it is empty); IDs are whole numbers from 0 to 18446744073709551615"),
        ("abc", "\"abc\" is not an unsigned 64-bit integer; IDs are whole numbers from 0 to 18446744073709551615"),
        ("0x10", "\"0x10\" is not an unsigned 64-bit integer; IDs are whole numbers from 0 to 18446744073709551615"),
        ("inf", "\"inf\" is not an unsigned 64-bit integer; IDs are whole numbers from 0 to 18446744073709551615"),
        ("+99999999999999999999", "\"+99999999999999999999\" is not an unsigned 64-bit integer (it is larger than 18446744073709551615); IDs are whole numbers from 0 to 18446744073709551615"),
        ("-1", "\"-1\" is not an unsigned 64-bit integer (it is negative); IDs are whole numbers from 0 to 18446744073709551615"),
        ("99999999999999999999", "\"99999999999999999999\" is not an unsigned 64-bit integer (it is larger than 18446744073709551615); IDs are whole numbers from 0 to 18446744073709551615"),
    ])
    func singleErrors(input: String, message: String) {
        #expect(throws: ConnectomeError.argument(message)) { try SegmentID(parsing: input) }
    }

    @Test func jsonErrorsNameTheListPosition() {
        #expect(throws: ConnectomeError.argument(
            "element 2 of the list, -4, is not an unsigned 64-bit integer (it is negative); IDs are whole numbers from 0 to 18446744073709551615"
        )) { try SegmentID.parse([1, -4]) }
        #expect(throws: ConnectomeError.argument(
            "element 1 of the list, 7.205759406210391e+17, is not an unsigned 64-bit integer (it is a floating-point number above 2^53, so its last digits are already lost; pass IDs as integers or strings); IDs are whole numbers from 0 to 18446744073709551615"
        )) { try SegmentID.parse([.double(720_575_940_621_039_145)]) }
        #expect(throws: ConnectomeError.self) { try SegmentID.parse([.double(2.5)]) }
        #expect(throws: ConnectomeError.self) { try SegmentID.parse([.bool(true)]) }
        #expect(throws: ConnectomeError.self) { try SegmentID.parse([.null]) }
        #expect(throws: ConnectomeError.self) { try SegmentID.parseList("   ") }
    }

    @Test func rawValuesAreTheIDsInOrder() {
        #expect(MemoryLayout<SegmentID>.size == 8 && MemoryLayout<SegmentID>.stride == 8)
        let ids = [SegmentID(rawValue: .max), 0, 576_460_752_664_524_086, 1]
        #expect(SegmentID.rawValues(ids) == [.max, 0, 576_460_752_664_524_086, 1])
        #expect(SegmentID.rawValues([]) == [])
    }

    @Test func parsesAHundredThousandIDs() throws {
        let text = (0..<100_000).map { String(576_460_752_664_524_086 + $0) }.joined(separator: ",")
        let ids = try SegmentID.parseList(text)
        #expect(ids.count == 100_000)
        #expect(ids.last?.rawValue == 576_460_752_664_524_086 + 99_999)
    }
}
