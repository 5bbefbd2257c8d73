import Foundation
import JSONModel
import Testing
@testable import ConnectomeCore

/// The column reader of Seatable answers against the plain reading through one `JSONValue`: the
/// same rows and columns for every answer it reads, and for every other answer no result of its
/// own (the plain reading's, errors included, word by word).
@Suite("Seatable answer parser")
struct SeatableAnswerParserTests {
    static let metadata = #"[{"key":"0000","name":"root_id","type":"text"},{"key":"k1","name":"status","type":"multiple-select","data":{"options":[{"id":"o1","name":"proofread"}]}}]"#

    /// The rows as objects again, each key's cells independent of the reader's column order.
    static func objects(_ rows: SeatableQueryResult.Rows) -> [[String: JSONValue]] {
        (0..<rows.count).map { row in
            var object: [String: JSONValue] = [:]
            for (key, cells) in zip(rows.keys, rows.cells) { object[key] = cells[row] }
            return object
        }
    }

    static func outcome(_ text: String, maxRows: Int = 100, plain: Bool) -> Result<SeatableQueryResult, ConnectomeError> {
        do {
            let data = Data(text.utf8)
            return .success(plain ? try SeatableQueryResult.decodePlainly(data, maxRows: maxRows, source: "the answer")
                                  : try SeatableQueryResult.decode(data, maxRows: maxRows, source: "the answer"))
        } catch {
            return .failure(error)
        }
    }

    static func expectSame(_ text: String, maxRows: Int = 100, read: Bool? = nil, _ comment: String) {
        let fast = outcome(text, maxRows: maxRows, plain: false), plain = outcome(text, maxRows: maxRows, plain: true)
        switch (fast, plain) {
        case (.success(let a), .success(let b)):
            #expect(objects(a.rows) == objects(b.rows) && Set(a.rows.keys) == Set(b.rows.keys), "\(comment)")
            #expect(a.rows.count == b.rows.count && a.columns == b.columns, "\(comment)")
            if read == false { Issue.record("\(comment): read, but should not be") }
        case (.failure(let a), .failure(let b)):
            #expect(a.kind == b.kind && a.message == b.message && a.hint == b.hint, "\(comment): \(a.message) / \(b.message)")
            if read == true { Issue.record("\(comment): \(a.message)") }
        default:
            Issue.record("\(comment): the column reader and the plain reading disagree on whether the answer reads")
        }
    }

    @Test("answers of the usual shape and their variations read as the plain reading reads them")
    func sameRowsAsThePlainReading() throws {
        let rows = (0..<300).map { row -> String in
            var members = [#""_id":"r\#(row)""#, #""root_id":"\#(576_460_752_303_423_488 + row)""#]
            if row % 3 != 0 { members.append(#""status":["o1","x"]"#) }
            if row % 5 == 0 { members.append(#""links":[{"row_id":"a","display_value":"b"}]"#) }
            if row % 7 == 0 { members.reverse() }                                         // another key order
            if row % 11 == 0 { members.append(#""root_id":"repeat, first kept""#) }       // a repeated key
            if row == 150 { members.append(#""new_late":1.5e3"#) }                         // a key first seen late
            if row == 200 { members.append(#""ünï":null"#) }
            return "{" + members.joined(separator: row % 2 == 0 ? "," : " ,\n ") + "}"
        }
        let answer = #"{"success":true,"metadata":\#(Self.metadata),"results":[\#(rows.joined(separator: ","))]}"#
        Self.expectSame(answer, maxRows: 300, read: true, "300 rows")
        let fast = try SeatableQueryResult.decode(Data(answer.utf8), maxRows: 300, source: "s")
        #expect(fast.rows.count == 300 && fast.rows.cells(forKey: "root_id")?[11] == .string("576460752303423499"))
        #expect(fast.rows.cells(forKey: "new_late")?[150] == .int(1500) && fast.rows.cells(forKey: "new_late")?[149] == .null)
        #expect(fast.rows.has("ünï") == true && fast.rows.has("missing") == false)

        let variations: [(String, String)] = [
            (#"{"results":[],"success":true,"metadata":[]}"#, "results first, no rows"),
            (#" {"success":true,"metadata":[],"results":[{}, {"a":1}]} "#, "an empty row, whitespace around"),
            (#"{"success":true,"metadata":[],"results":[{"a":1}],"results":[{"b":2}]}"#, "results twice: the first kept"),
            (#"{"success":true,"metadata":[],"results":[{"a\u0041":1},{"aA":2}]}"#, "an escaped key"),
            (#"{"success":true,"success":false,"metadata":[],"results":[]}"#, "a repeated member"),
            (#"{"success":false,"error_message":"no such table","metadata":[],"results":[]}"#, "Seatable refused"),
            (#"{"success":true,"metadata":[],"results":[{"a":1},]}"#, "a trailing comma"),
            (#"{"success":true,"metadata":[],"results":[{"a":1,}]}"#, "a trailing comma in a row"),
            (#"{"success":true,"metadata":[],"results":[{"a":1}]"#, "cut short"),
            (#"{"success":true,"metadata":[],"results":[{"a":1}]} x"#, "text after it"),
            (#"{"success":true,"metadata":[],"results":[1]}"#, "a row that is no object"),
            (#"{"success":true,"metadata":[],"results":{"a":1}}"#, "results not a list"),
            (#"{"success":true,"metadata":[]}"#, "no results"),
            (#"{"success":true,"metadata":[],"results":[{"a":tru}]}"#, "a damaged value"),
            (#"{"success":true,"metadata":[],"results":[{"a\#u{01}":1}]}"#, "a control character in a key"),
            (#"{"success":true,"metadata":[],"results":[{a:1}]}"#, "an unquoted key"),
            (#"[{"a":1}]"#, "not an object"),
            ("", "empty"),
        ]
        for (text, comment) in variations { Self.expectSame(text, comment) }
        // More rows than asked: the plain reading's error.
        let many = #"{"success":true,"metadata":[],"results":[\#(Array(repeating: #"{"a":1}"#, count: 5).joined(separator: ","))]}"#
        Self.expectSame(many, maxRows: 4, read: false, "5 rows where 4 were asked")
        Self.expectSame(many, maxRows: 5, read: true, "5 rows where 5 were asked")
        // Nesting near the limit is counted for the whole text, as the plain reading counts it.
        for depth in [505, 508, 509, 510, 511] {
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            Self.expectSame(#"{"success":true,"metadata":[],"results":[{"a":\#(nested)}]}"#, "a cell nested \(depth) deep")
        }
    }

    @Test("every single-byte change of a small answer reads the same or fails the same either way")
    func mutatedAnswersAgree() {
        let answer = #"{"success":true,"metadata":\#(Self.metadata),"results":[{"_id":"a","root_id":"12","status":["o1"]},{"root_id":"13","_id":"b"}]}"#
        let bytes = Array(answer.utf8)
        for position in bytes.indices {
            for replacement: UInt8 in [0x22, 0x2C, 0x7D, 0x5D, 0x20, 0x5C, 0x00, 0xFF] where replacement != bytes[position] {
                var changed = bytes
                changed[position] = replacement
                Self.expectSame(String(decoding: changed, as: UTF8.self), "byte \(position) → \(replacement)")
            }
        }
    }
}
