import Foundation
import Testing
@testable import JSONModel

@Suite struct JSONValueTests {
    @Test func keepsIntegersAboveInt64Exact() throws {
        let value = try JSONValue.parse(#"{"id": 18446744073709551615, "small": -3, "f": 1.5}"#)
        #expect(value["id"] == .uint(UInt64.max))
        #expect(value["small"] == .int(-3))
        #expect(value["f"] == .double(1.5))
    }

    @Test func roundTripsNestedValues() throws {
        let value: JSONValue = ["a": [1, "two", true, nil], "b": ["c": 2.5]]
        let again = try JSONValue.parse(value.serialized())
        #expect(again == value)
    }

    @Test func compactOutputDoesNotEscapeSlashes() {
        let value: JSONValue = ["url": "precomputed://gs://a/b"]
        #expect(value.text() == #"{"url":"precomputed://gs://a/b"}"#)
    }

    @Test func reportsBadJSON() {
        #expect(throws: JSONError.self) { try JSONValue.parse("{\"a\": ") }
    }

    @Test func readsNumbersAndDecimalStringsAsUInt64() {
        #expect(JSONValue.string("576460752664524086").uint64Value == 576460752664524086)
        #expect(JSONValue.int(-1).uint64Value == nil)
    }
}
