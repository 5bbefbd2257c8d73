import CommandLanguage
import ConnectomeCore
import Testing
@testable import ConnectomeKernel

/// What a table display shows: head and tail rows, first and last columns of a wide table (an
/// adjacency matrix), aligned plain text, escaped HTML.
@Suite struct TableRendererTests {
    /// `columns` int64 columns c0, c1, … of `rows` rows, cell (r, c) = r * 1000 + c.
    static func table(columns: Int, rows: Int) throws -> DataTableValue {
        let data = try DataTable(columns: (0..<columns).map { c in
            DataColumn("c\(c)", .int64(ScalarColumn(values: (0..<rows).map { Int64($0 * 1000 + c) })))
        })
        return DataTableValue(data, title: "wide")
    }

    @Test func aWideTableShowsItsFirstAndLastColumns() throws {
        let value = try Self.table(columns: 501, rows: 60)
        let lines = TableRenderer.plainText(value).split(separator: "\n").map(String.init)
        let header = lines[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let expectedNames: [String] = (0..<40).map { "c\($0)" } + ["…", "451", "more", "columns"] + (491..<501).map { "c\($0)" }
        #expect(header == expectedNames)
        let firstRow = lines[3].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let expectedCells: [String] = (0..<40).map { String($0) } + ["…"] + (491..<501).map { String($0) }
        #expect(firstRow == expectedCells)
        #expect(lines.contains("… 10 more rows …"))
        #expect(lines.last == "60 rows × 501 columns")

        let html = TableRenderer.html(value)
        #expect(html.components(separatedBy: "<th>").count - 1 == 51)
        #expect(html.contains("<th>… 451 more columns</th>"))
        #expect(html.contains("<th>c39</th><th>… 451 more columns</th><th>c491</th>"))
        #expect(html.contains("<td>39</td><td>…</td><td>491</td>"))
        // The gap row of left-out rows spans the columns shown.
        #expect(html.contains("<td colspan=\"51\" style=\"text-align:center\">… 10 more rows …</td>"))
    }

    @Test func tablesUpToFiftyFiveColumnsShowThemAll() throws {
        for columns in [1, 30, 55] {
            let value = try Self.table(columns: columns, rows: 3)
            let header = TableRenderer.plainText(value).split(separator: "\n")[1].split(separator: " ")
            #expect(header.count == columns)
            #expect(!TableRenderer.html(value).contains("more columns"))
        }
        #expect(TableRenderer.html(try Self.table(columns: 56, rows: 3)).contains("<th>… 6 more columns</th>"))
    }

    @Test func plainTextAlignsByCharacters() {
        let table = Table(columns: ["name", "n"], rows: [[.string("é"), .int(1)], [.string("日本語のラベル"), .int(22)], [.string("e\u{301}x"), .int(3)]])
        let lines = TableRenderer.plainText(table).split(separator: "\n").map(String.init)
        // Every cell of the first column is padded to the widest (7 characters) and two spaces.
        #expect(lines[0] == "name     n")
        #expect(lines[2] == "é        1")
        #expect(lines[3] == "日本語のラベル  22")
        #expect(lines[4] == "e\u{301}x       3")
    }

    @Test func escapingWorksOnBytes() {
        #expect(HTML.escape("plain text 123") == "plain text 123")
        #expect(HTML.escape("a & <b> \"c\" 'd'") == "a &amp; &lt;b&gt; &quot;c&quot; &#39;d&#39;")
        // A combining mark after a special character does not hide it.
        #expect(HTML.escape("&\u{301}<\u{20DD}") == "&amp;\u{301}&lt;\u{20DD}")
        #expect(HTML.escape("日本 & ü") == "日本 &amp; ü")
    }
}
