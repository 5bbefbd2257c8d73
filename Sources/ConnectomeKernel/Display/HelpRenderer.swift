import CommandLanguage
import JupyterProtocol

/// Help pages as HTML beside their plain-text twin.
///
/// Each part is shown as what it is, because JupyterLab collapses white space in ordinary HTML: the
/// signature and every example in `<pre><code>` (so line breaks and spacing survive and the text can
/// be copied into a cell as it stands), the parameters as a table, the details as one `<p>` per
/// paragraph. Every piece of text goes through `HTML.escape`.
enum HelpRenderer {
    static func bundle(for page: HelpPage) -> MimeBundle {
        MimeBundle(data: ["text/plain": .string(page.plainText), "text/html": .string(html(page))])
    }

    static func html(_ page: HelpPage) -> String {
        var html = "<div class=\"connectome-help\">"
        html += code(page.signature)
        html += "<p>\(inline(page.summary))</p>"
        if !page.parameters.isEmpty { html += parameterTable(page.parameters) }
        if !page.keywords.isEmpty {
            html += "<p>Keywords: " + page.keywords.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ") + "</p>"
        }
        for section in page.sections {
            if let heading = section.heading { html += "<h4>\(HTML.escape(heading))</h4>" }
            for paragraph in section.paragraphs { html += "<p>\(inline(paragraph))</p>" }
            // One block per example: each is a cell of its own, to be copied whole.
            for example in section.examples { html += code(example) }
        }
        return html + "</div>"
    }

    /// A block of code: line breaks and spaces kept, text escaped; a line wider than the output
    /// wraps at spaces rather than inside a word (JupyterLab's default for `<pre>` breaks anywhere).
    static func code(_ text: String) -> String {
        "<pre style=\"white-space:pre-wrap;word-break:normal\"><code>\(HTML.escape(text))</code></pre>"
    }

    /// The parameters, left-aligned: JupyterLab right-aligns table cells, which suits numbers but
    /// not sentences.
    static func parameterTable(_ parameters: [HelpPage.Parameter]) -> String {
        let left = " style=\"text-align:left\""
        var html = "<table class=\"connectome-table\"><thead><tr>"
        html += ["parameter", "type", "default", "description"].map { "<th\(left)>\($0)</th>" }.joined()
        html += "</tr></thead><tbody>"
        for parameter in parameters {
            html += "<tr><td\(left)><code>\(HTML.escape(parameter.name))</code></td><td\(left)>\(HTML.escape(parameter.type))</td>"
            html += "<td\(left)>\(HTML.escape(parameter.defaultText))</td><td\(left)>\(inline(parameter.description))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// Prose with `backticked` words set as code, as the help texts write command and option names.
    static func inline(_ text: String) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.count % 2 == 1 else { return HTML.escape(text) }
        return parts.enumerated().map { index, part in
            index % 2 == 1 ? "<code>\(HTML.escape(String(part)))</code>" : HTML.escape(String(part))
        }.joined()
    }
}

extension HelpPage: RichDisplay {
    var mimeBundle: MimeBundle { HelpRenderer.bundle(for: self) }
}
