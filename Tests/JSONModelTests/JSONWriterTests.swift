import Foundation
import Testing
@testable import JSONModel

/// `serialized()` writes compact text itself (JSONWriter); it must be the text Foundation's encoder wrote.
@Suite struct JSONWriterTests {
    private func foundation(_ value: JSONValue, sortedKeys: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = sortedKeys ? [.withoutEscapingSlashes, .sortedKeys] : [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func everyControlCharacterAndEscapeIsWrittenAsFoundationDoes() throws {
        let controls = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        for text in [controls, "quote \" backslash \\ slash / end", "ünïcødé ✓ 🧠 \u{2028}\u{7f}", "", "plain"] {
            let value = JSONValue.string(text)
            #expect(value.text() == (try foundation(value)), "for \(Array(text.utf8))")
        }
    }

    @Test func numbersAreWrittenAsFoundationDoes() throws {
        let doubles: [Double] = [0, -0.0, 1, -1, 0.1, 0.35, 1.5, 1e20, 1e21, 1e-7, 123456789.0, 1.0 / 3.0, .pi,
                                 Double(Int64.max), 5e-324, 1.7976931348623157e308, -2.5e-10]
        for number in doubles {
            #expect(JSONValue.double(number).text() == (try foundation(.double(number))), "for \(number)")
        }
        for value: JSONValue in [.int(0), .int(-42), .int(.max), .int(.min), .uint(.max), .bool(true), .bool(false), .null] {
            #expect(value.text() == (try foundation(value)))
        }
        #expect(JSONValue.double(.nan).text() == "null")
        #expect(JSONValue.double(.infinity).text() == "null")
    }

    @Test func sortedKeysOrderAsFoundation() throws {
        let object = JSONValue.object(["b": .int(1), "a10": .int(2), "a9": .int(3), "B": .int(4), "a": .array([.null, .string("x")]),
                                       "é": .object(["z": .int(1), "y": .object([:])]), "_": .array([])])
        #expect(object.text(sortedKeys: true) == (try foundation(object, sortedKeys: true)))
        // Unsorted: the same members (the dictionary's order); parsed back it is the same value.
        #expect(try JSONValue.parse(object.text()) == object)
    }

    @Test func aDisplayMessageRoundTrips() throws {
        let base64 = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }).base64EncodedString()
        let bundle = JSONValue.object(["data": .object(["image/png": .string(base64), "text/plain": .string("slice 1024 × 1024\nline 2")]),
                                       "metadata": .object(["image/png": .object(["width": .int(1024), "height": .int(1024)])]),
                                       "transient": .object([:])])
        #expect(bundle.text(sortedKeys: true) == (try foundation(bundle, sortedKeys: true)))
        #expect(try JSONValue.parse(bundle.serialized()) == bundle)
    }
}
