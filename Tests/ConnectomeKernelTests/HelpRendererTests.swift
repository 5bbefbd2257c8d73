import CommandLanguage
import Foundation
import JupyterProtocol
import Testing
@testable import ConnectomeKernel

/// `help COMMAND` and `help language` as a reader sees them, for every command the registry knows
/// (read from the registry, so a command added later is covered without touching this file).
@Suite("Help rendering")
struct HelpRendererTests {
    static let specs = Kernel().interpreter.session.registry.specs

    /// A run of three or more spaces inside prose: a line join gone wrong (`\` followed by an indented
    /// line, or a literal broken across lines), which no reader means.
    static func spaceRun(in text: String) -> Bool {
        text.split(separator: "\n").contains { line in
            line.drop(while: { $0 == " " }).contains("   ")
        }
    }

    /// `text` escaped as the whole content of a `<pre><code>` block.
    static func preformatted(_ text: String) -> String {
        "\"><code>\(HTML.escape(text))</code></pre>"
    }

    @Test("no command's help text has runs of spaces, stray indentation or trailing spaces")
    func helpStringsAreClean() {
        #expect(Self.specs.count > 20)
        for spec in Self.specs {
            var texts = [("summary", spec.summary), ("details", spec.details)]
            texts += spec.parameters.map { ("\($0.name)=", $0.help) }
            if let positional = spec.positional { texts.append((positional.name, positional.help)) }
            for (part, text) in texts {
                #expect(!text.contains("   "), "help \(spec.name), \(part): a run of spaces in \(text.debugDescription)")
                for line in text.split(separator: "\n") {
                    #expect(line.first != " " && line.last != " ", "help \(spec.name), \(part): stray space in \(line.debugDescription)")
                }
            }
        }
    }

    @Test("help COMMAND in HTML: signature and each example in <pre><code>, details as paragraphs, parameters as a table")
    func commandHTML() async throws {
        let kernel = Kernel()
        for spec in Self.specs {
            let bundle = try #require(await kernel.run("help \(spec.name)"))
            let html = try #require(bundle.text("text/html"))
            #expect(html.contains(Self.preformatted(spec.displayUsage)), "help \(spec.name): signature")
            for example in spec.examples {
                #expect(html.contains(Self.preformatted(example)), "help \(spec.name): example \(example)")
            }
            let paragraphs = HelpPage.paragraphs(spec.details)
            for paragraph in paragraphs {
                #expect(html.contains("<p>\(HelpRenderer.inline(paragraph))</p>"), "help \(spec.name): paragraph \(paragraph)")
            }
            #expect(html.components(separatedBy: "<p>").count - 1 == paragraphs.count + 1 + (spec.keywords.isEmpty ? 0 : 1),
                    "help \(spec.name): one <p> for the summary, the keywords and each paragraph")
            for parameter in spec.parameters {
                #expect(html.contains("<tr><td style=\"text-align:left\"><code>\(HTML.escape(parameter.name))</code></td>"), "help \(spec.name): row for \(parameter.name)")
            }
            #expect(!html.contains("<caption") && !html.contains("<br>"), "help \(spec.name): text squeezed into a caption")

            let text = try #require(bundle.text("text/plain"))
            #expect(text == spec.helpText(detailed: true))
            let exampleLines = spec.examples.flatMap { $0.split(separator: "\n").map { "  " + $0 } }
            for line in exampleLines { #expect(text.contains(line + "\n") || text.hasSuffix(line), "help \(spec.name): example \(line)") }
            // Outside the parameter table (aligned in columns on purpose) no line has a run of spaces,
            // and only the signature and the examples (typed as they stand) may be wider than a terminal.
            let prose = text.components(separatedBy: "\n\n").filter { !$0.hasPrefix("Parameters:") }.joined(separator: "\n")
            #expect(!Self.spaceRun(in: prose), "help \(spec.name): a run of spaces in \(prose)")
            for line in prose.split(separator: "\n").dropFirst() where !exampleLines.contains(String(line)) {
                #expect(line.count <= HelpPage.width, "help \(spec.name): line longer than a terminal: \(line)")
            }
        }
    }

    @Test("HTML escapes every part of a page and sets backticked words as code")
    func escaping() {
        let page = HelpPage(
            signature: "probe <x>", summary: "Reads `a<b` & more.",
            parameters: [HelpPage.Parameter(name: "x", type: "<t>", defaultText: "", description: "'q'")],
            keywords: ["<k>"],
            sections: [HelpPage.Section(heading: "<h>", paragraphs: ["1 < 2"], examples: ["print \"<b>\"\nprint 2"])])
        let html = HelpRenderer.html(page)
        let pre = "<pre style=\"white-space:pre-wrap;word-break:normal\"><code>"
        let left = "style=\"text-align:left\""
        #expect(html == """
            <div class="connectome-help">\(pre)probe &lt;x&gt;</code></pre><p>Reads <code>a&lt;b</code> &amp; more.</p>\
            <table class="connectome-table"><thead><tr><th \(left)>parameter</th><th \(left)>type</th><th \(left)>default</th>\
            <th \(left)>description</th></tr></thead><tbody><tr><td \(left)><code>x</code></td><td \(left)>&lt;t&gt;</td>\
            <td \(left)></td><td \(left)>&#39;q&#39;</td></tr></tbody></table>\
            <p>Keywords: <code>&lt;k&gt;</code></p><h4>&lt;h&gt;</h4><p>1 &lt; 2</p>\
            \(pre)print &quot;&lt;b&gt;&quot;
            print 2</code></pre></div>
            """)
        #expect(HelpRenderer.inline("an `odd one") == "an `odd one")
    }

    @Test("help language: every example runs in a fresh kernel without an error")
    func languageExamplesRun() async throws {
        let kernel = Kernel()
        let bundle = try #require(await kernel.run("help language"))
        let html = try #require(bundle.text("text/html"))
        var examples = 0
        guard case .value(let value?) = await kernel.interpreter.session.run("help language", output: DiscardingOutput()),
              case .custom(let custom) = value, let language = custom as? HelpPage else {
            Issue.record("help language is not a help page")
            return
        }
        for section in language.sections {
            #expect(html.contains("<h4>\(HTML.escape(section.heading ?? ""))</h4>"))
            for example in section.examples {
                examples += 1
                #expect(html.contains(Self.preformatted(example)))
                let fresh = Kernel()
                await fresh.run(example)
            }
        }
        #expect(examples >= 20)
        let list = try #require(await kernel.run("help")?.text("text/plain"))
        #expect(list.contains("help language"))
    }
}
