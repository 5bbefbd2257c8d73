import CommandLanguage
import ConnectomeCore
import JSONModel
import JupyterProtocol

/// What the renderer needs of a table: the language's small row tables (`valid`, `vars`) and the
/// domain's columnar tables (`neurons`, `partners`) are shown by the same code.
protocol TableDisplay {
    var displayTitle: String? { get }
    var displayColumns: [String] { get }
    var displayRowCount: Int { get }
    /// The text of one cell as a reader sees it (strings unquoted, IDs in full).
    func displayCell(row: Int, column: Int) -> String
    /// Lines under the table: the row count, notes, caveats.
    var displayFooter: String? { get }
}

extension Table: TableDisplay {
    var displayTitle: String? { title }
    var displayColumns: [String] { columns }
    var displayRowCount: Int { rows.count }
    func displayCell(row: Int, column: Int) -> String {
        column < rows[row].count ? TableRenderer.cellText(rows[row][column]) : ""
    }
    var displayFooter: String? { footer }
}

/// Tables as HTML with a plain-text twin. Long tables show their head and tail, and say how many
/// rows were left out, so 100,000 validated IDs do not freeze the browser; wide tables (a 500 × 500
/// adjacency matrix) show their first and last columns the same way, as pandas does, with a column
/// saying how many were left out. The whole table stays in the value: `save`, `select` and pipes see
/// every column.
enum TableRenderer {
    static let headRows = 40
    static let tailRows = 10
    static let headColumns = 40
    static let tailColumns = 10

    static func bundle(for table: some TableDisplay) -> MimeBundle {
        MimeBundle(data: ["text/plain": .string(plainText(table)), "text/html": .string(html(table))])
    }

    /// Row indices to show, and how many are left out in between.
    static func visibleRows(_ count: Int) -> (head: Range<Int>, tail: Range<Int>, omitted: Int) {
        window(count, head: headRows, tail: tailRows)
    }

    /// Column indices to show, and how many are left out in between.
    static func visibleColumns(_ count: Int) -> (head: Range<Int>, tail: Range<Int>, omitted: Int) {
        window(count, head: headColumns, tail: tailColumns)
    }

    private static func window(_ count: Int, head: Int, tail: Int) -> (head: Range<Int>, tail: Range<Int>, omitted: Int) {
        guard count > head + tail + 5 else { return (0..<count, count..<count, 0) }
        return (0..<head, (count - tail)..<count, count - head - tail)
    }

    /// What stands in for the left-out columns, in the header and in every row.
    static func omittedColumnsLabel(_ omitted: Int) -> String { "… \(NumberFormat.grouped(omitted)) more columns" }

    static func plainText(_ table: some TableDisplay) -> String {
        let (head, tail, omitted) = visibleRows(table.displayRowCount)
        let names = table.displayColumns
        let shown = visibleColumns(names.count)
        let columnIndices = Array(shown.head) + Array(shown.tail)
        // The gap column sits between the head and the tail columns.
        let gap = shown.omitted > 0 ? shown.head.count : nil
        func withGap(_ row: [String], _ filler: String) -> [String] {
            guard let gap else { return row }
            var row = row
            row.insert(filler, at: gap)
            return row
        }
        let header = withGap(columnIndices.map { names[$0] }, omittedColumnsLabel(shown.omitted))
        let cells = (Array(head) + Array(tail)).map { row in
            withGap(columnIndices.map { table.displayCell(row: row, column: $0) }, "…")
        }
        var widths = header.map(Self.width)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], Self.width(cell))
            }
        }
        func line(_ row: [String]) -> String {
            var text = ""
            for (index, cell) in row.enumerated() {
                if index > 0 { text += "  " }
                text += cell
                if index < row.count - 1, index < widths.count {
                    let pad = widths[index] - Self.width(cell)
                    if pad > 0 { text += String(repeating: " ", count: pad) }
                }
            }
            return text
        }
        var lines: [String] = []
        if let title = table.displayTitle { lines.append(title) }
        lines.append(line(header))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for (index, row) in cells.enumerated() {
            if omitted > 0 && index == head.count { lines.append("… \(NumberFormat.grouped(omitted)) more rows …") }
            lines.append(line(row))
        }
        if let footer = table.displayFooter { lines.append(footer) }
        return lines.joined(separator: "\n")
    }

    /// The width of a cell in characters (ASCII text without counting grapheme clusters).
    private static func width(_ text: String) -> Int {
        text.utf8.allSatisfy { $0 < 0x80 } ? text.utf8.count : text.count
    }

    static func html(_ table: some TableDisplay) -> String {
        let (head, tail, omitted) = visibleRows(table.displayRowCount)
        let names = table.displayColumns
        let shown = visibleColumns(names.count)
        let columnIndices = Array(shown.head) + Array(shown.tail)
        let shownCount = columnIndices.count + (shown.omitted > 0 ? 1 : 0)
        var html = "<table class=\"connectome-table\">"
        if let title = table.displayTitle { html += "<caption style=\"text-align:left\">\(HTML.escape(title))</caption>" }
        html += "<thead><tr>"
        for (position, column) in columnIndices.enumerated() {
            if shown.omitted > 0 && position == shown.head.count { html += "<th>\(HTML.escape(omittedColumnsLabel(shown.omitted)))</th>" }
            html += "<th>" + HTML.escape(names[column]) + "</th>"
        }
        html += "</tr></thead><tbody>"
        func row(_ index: Int) {
            html += "<tr>"
            for (position, column) in columnIndices.enumerated() {
                if shown.omitted > 0 && position == shown.head.count { html += "<td>…</td>" }
                html += "<td>" + HTML.escape(table.displayCell(row: index, column: column)) + "</td>"
            }
            html += "</tr>"
        }
        for index in head { row(index) }
        if omitted > 0 {
            html += "<tr><td colspan=\"\(shownCount)\" style=\"text-align:center\">… \(NumberFormat.grouped(omitted)) more rows …</td></tr>"
        }
        for index in tail { row(index) }
        html += "</tbody></table>"
        if let footer = table.displayFooter {
            html += "<p>" + footer.split(separator: "\n").map { HTML.escape(String($0)) }.joined(separator: "<br>") + "</p>"
        }
        return html
    }

    static func cellText(_ value: Value) -> String {
        if case .string(let text) = value { return text }
        return value.plainText
    }
}
