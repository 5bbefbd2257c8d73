import Foundation
import Testing
@testable import JSONModel

/// The one-pass reader against `JSONDecoder`, the authority it must agree with: the same value for
/// every document both accept, a refusal for every document the decoder refuses, and `parse` (the
/// reader, then the decoder for what it refuses) equal to the decoder on all of them.
@Suite struct JSONParserTests {
    static let documents: [String] = [
        "null", "true", "false", "0", "-0", "7", "-12", "1.5", "-1.5e3", "1.0", "1e2", "2.5E-3", "1E+2",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551615",
        "18446744073709551616", "1e19", "123456789012345678901234567890", "0.1", "1e-400",
        "\"\"", "\"abc\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"\\u00e9\\u4e2d\"", "\"\\ud83d\\ude00\"", "\"é中😀\"",
        "\"\\u0000\"", "[]", "{}", "[1, 2, [3, [4, {}]], {\"a\": [null]}]", " \n\t\r{ \"k\" : \"v\" , \"n\" : [ ] } \n",
        "{\"a\": {\"b\": {\"c\": [true, false, null, 1, -1, 1.25, \"x\"]}}}", "{\"a\": 1, \"a\": 2}",
        "{\"msg_id\": \"1\", \"content\": {\"code\": \"slice x=1 y=2 z=3\", \"silent\": false}, \"metadata\": {}}",
        String(repeating: "[", count: 512) + String(repeating: "]", count: 512),
        // Refused: each must be refused by both.
        "", " ", "nul", "tru", "True", "NaN", "Infinity", "-", "+1", "01", "-01", "1.", ".5", "1e", "1e+", "0x10",
        "\"abc", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
        "[1,]", "[,1]", "[[1,],]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":}", "{1:2}", "[", "]", "{", "}", "[1]]", "1 2",
        "[1] x", "1e400", "-1e400", String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
    ]

    @Test("agrees with JSONDecoder on every document, accepted or refused", arguments: documents)
    func agreesWithTheDecoder(_ text: String) {
        let data = Data(text.utf8)
        let fast = data.withUnsafeBytes { JSONParser.parse($0) }
        let decoded = try? JSONValue.decoded(data)
        let shown = "\(text.prefix(80)): \(String(describing: fast).prefix(200)) vs \(String(describing: decoded).prefix(200))"
        if decoded == nil { #expect(fast == nil, "accepted what JSONDecoder refuses: \(shown)") }
        if let fast { #expect(fast == decoded, "\(shown)") }
        #expect((try? JSONValue.parse(data)) == decoded, "\(shown)")
    }

    @Test("invalid UTF-8 inside a string is refused by both")
    func invalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0x5C, 0x6E, 0xED, 0xA0, 0x80, 0x22]] {
            let data = Data(bytes)
            #expect(data.withUnsafeBytes { JSONParser.parse($0) } == nil)
            #expect((try? JSONValue.decoded(data)) == nil)
        }
    }

    @Test("nesting far past the limit is refused without recursion, and parse words the error")
    func deepNesting() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(Data(text.utf8).withUnsafeBytes { JSONParser.parse($0) } == nil)
        #expect(throws: JSONError.self) { try JSONValue.parse(text) }
    }

    @Test("a large table of records reads as the decoder reads it")
    func records() throws {
        var rows: [String] = []
        for row in 0..<2_000 {
            rows.append("{\"root_id\": \"57646075\(row)\", \"n\": \(row), \"x\": \(Double(row) / 8), \"tags\": [\"a\", \"b\\u00e9\"], \"ok\": \(row % 2 == 0), \"z\": null}")
        }
        let data = Data(("{\"results\": [" + rows.joined(separator: ",") + "]}").utf8)
        let fast = try #require(data.withUnsafeBytes { JSONParser.parse($0) })
        #expect(fast == (try JSONValue.decoded(data)))
    }
}
