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
/// rows were left out, so 100,000 validated IDs do not freeze the browser.
enum TableRenderer {
    static let headRows = 40
    static let tailRows = 10

    static func bundle(for table: some TableDisplay) -> MimeBundle {
        MimeBundle(data: ["text/plain": .string(plainText(table)), "text/html": .string(html(table))])
    }

    /// Row indices to show, and how many are left out in between.
    static func visibleRows(_ count: Int) -> (head: Range<Int>, tail: Range<Int>, omitted: Int) {
        guard count > headRows + tailRows + 5 else { return (0..<count, count..<count, 0) }
        return (0..<headRows, (count - tailRows)..<count, count - headRows - tailRows)
    }

    static func plainText(_ table: some TableDisplay) -> String {
        let (head, tail, omitted) = visibleRows(table.displayRowCount)
        let columns = table.displayColumns
        let cells = (Array(head) + Array(tail)).map { row in
            columns.indices.map { table.displayCell(row: row, column: $0) }
        }
        var widths = columns.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                // Padded by characters, as the widths are counted (NSString's padding took most of a display).
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[index] - cell.count))
            }.joined(separator: "  ")
        }
        var lines: [String] = []
        if let title = table.displayTitle { lines.append(title) }
        lines.append(line(columns))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for (index, row) in cells.enumerated() {
            if omitted > 0 && index == head.count { lines.append("… \(NumberFormat.grouped(omitted)) more rows …") }
            lines.append(line(row))
        }
        if let footer = table.displayFooter { lines.append(footer) }
        return lines.joined(separator: "\n")
    }

    static func html(_ table: some TableDisplay) -> String {
        let (head, tail, omitted) = visibleRows(table.displayRowCount)
        let columnCount = table.displayColumns.count
        var html = "<table class=\"connectome-table\">"
        if let title = table.displayTitle { html += "<caption style=\"text-align:left\">\(HTML.escape(title))</caption>" }
        html += "<thead><tr>" + table.displayColumns.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        func row(_ index: Int) -> String {
            "<tr>" + (0..<columnCount).map { "<td>\(HTML.escape(table.displayCell(row: index, column: $0)))</td>" }.joined() + "</tr>"
        }
        for index in head { html += row(index) }
        if omitted > 0 {
            html += "<tr><td colspan=\"\(columnCount)\" style=\"text-align:center\">… \(NumberFormat.grouped(omitted)) more rows …</td></tr>"
        }
        for index in tail { html += row(index) }
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
