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
        if !page.parameters.isEmpty {
            let table = Table(columns: ["parameter", "type", "default", "description"],
                              rows: page.parameters.map { [.string($0.name), .string($0.type), .string($0.defaultText),
                                                           .string($0.description)] })
            html += TableRenderer.html(table)
        }
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

    /// A block of code: line breaks and spaces kept, text escaped.
    static func code(_ text: String) -> String {
        "<pre><code>\(HTML.escape(text))</code></pre>"
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
