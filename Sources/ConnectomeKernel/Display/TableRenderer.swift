import CommandLanguage
import JSONModel
import JupyterProtocol

/// Tables as HTML with a plain-text twin. Long tables show their head and tail, and say how many
/// rows were left out, so 100,000 validated IDs do not freeze the browser.
enum TableRenderer {
    static let headRows = 40
    static let tailRows = 10

    static func bundle(for table: Table) -> MimeBundle {
        MimeBundle(data: ["text/plain": .string(plainText(table)), "text/html": .string(html(table))])
    }

    /// Row indices to show, and how many are left out in between.
    static func visibleRows(_ count: Int) -> (head: Range<Int>, tail: Range<Int>, omitted: Int) {
        guard count > headRows + tailRows + 5 else { return (0..<count, count..<count, 0) }
        return (0..<headRows, (count - tailRows)..<count, count - headRows - tailRows)
    }

    static func plainText(_ table: Table) -> String {
        let (head, tail, omitted) = visibleRows(table.rows.count)
        let shown = Array(table.rows[head]) + Array(table.rows[tail])
        let cells = shown.map { $0.map(cellText) }
        var widths = table.columns.map(\.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var lines: [String] = []
        if let title = table.title { lines.append(title) }
        lines.append(line(table.columns))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for (index, row) in cells.enumerated() {
            if omitted > 0 && index == head.count { lines.append("… \(omitted) more rows …") }
            lines.append(line(row))
        }
        if let footer = table.footer { lines.append(footer) }
        return lines.joined(separator: "\n")
    }

    static func html(_ table: Table) -> String {
        let (head, tail, omitted) = visibleRows(table.rows.count)
        var html = "<table class=\"connectome-table\">"
        if let title = table.title { html += "<caption style=\"text-align:left\">\(HTML.escape(title))</caption>" }
        html += "<thead><tr>" + table.columns.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for index in head { html += row(table.rows[index]) }
        if omitted > 0 {
            html += "<tr><td colspan=\"\(table.columns.count)\" style=\"text-align:center\">… \(omitted) more rows …</td></tr>"
        }
        for index in tail { html += row(table.rows[index]) }
        html += "</tbody></table>"
        if let footer = table.footer { html += "<p>\(HTML.escape(footer))</p>" }
        return html
    }

    private static func row(_ cells: [Value]) -> String {
        "<tr>" + cells.map { "<td>\(HTML.escape(cellText($0)))</td>" }.joined() + "</tr>"
    }

    static func cellText(_ value: Value) -> String {
        if case .string(let text) = value { return text }
        return value.plainText
    }
}
