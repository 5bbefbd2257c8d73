import CommandLanguage
import ConnectomeCore
import JSONModel
import JupyterProtocol
import Testing
@testable import ConnectomeKernel

/// Links the kernel writes are http(s); text from cells, files and servers never becomes markup.
@Suite("HTML safety")
struct HTMLSafetyTests {
    static let evil = #"<img src=x onerror="alert('x')">"#
    static let badBases = ["javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)//", "data:text/html,<script>alert(1)</script>",
                           "vbscript:msgbox", "file:///etc/passwd", "//evil.example.net/", "https://", "https://x\" onclick=\"alert(1)",
                           "https://x/<script>", " javascript:alert(1)"]

    /// A link whose state has a layer named `name`, on `base`.
    static func link(layer name: String, base: String = "https://spelunker.cave-explorer.org/") -> String {
        let layer = JSONValue.object(["type": "segmentation", "source": "precomputed://gs://b/seg", "name": .string(name), "segments": ["7"]])
        let json = String(decoding: JSONValue.object(["layers": [layer]]).serialized(), as: UTF8.self)
        return base + "#!" + NeuroglancerURL.percentEncode(json)
    }

    static func assertInert(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!html.contains("<img") && !html.contains("<script") && !html.contains("onerror=\""), sourceLocation: sourceLocation)
        #expect(!html.lowercased().contains("href=\"javascript") && !html.lowercased().contains("href=\"data"), sourceLocation: sourceLocation)
    }

    @Test("a javascript:, data: or other non-http base is an ArgumentError for scene, dataset and decode", arguments: badBases)
    func badViewerBases(base: String) async throws {
        let kernel = Kernel()
        let escaped = base.replacingOccurrences(of: "\"", with: "\\\"")
        for cell in ["scene 5 viewer=\"\(escaped)\"", "dataset viewer=\"\(escaped)\"", "scene (scene 5) viewer=\"\(escaped)\""] {
            let report = try #require(await kernel.failure(cell))
            #expect(report.ename == "ArgumentError", "\(cell)")
            #expect(report.evalue.contains("http(s) URL"), "\(cell): \(report.evalue)")
        }
        let decoded = try #require(await kernel.failure("decode \"\(Self.link(layer: "seg", base: escaped))\""))
        #expect(decoded.ename == "ArgumentError" && decoded.evalue.contains("not an http(s) URL"), "\(decoded.evalue)")
        // Nothing was changed by the refused cells: scenes still open on the sample's viewer.
        let html = try #require(await kernel.run("scene 5")?.text("text/html"))
        #expect(html.contains("href=\"https://"))
    }

    @Test("known viewer names and http(s) bases still work, in any case")
    func goodViewerBases() async throws {
        let kernel = Kernel()
        for (viewer, prefix) in [("SPELUNKER", ViewerBase.spelunker), ("neuroglancer", ViewerBase.neuroglancer),
                                 ("https://my.viewer.example.org/ng/", "https://my.viewer.example.org/ng/#!")] {
            let url = try #require(await kernel.run("scene 5 viewer=\"\(viewer)\"")?.text("text/plain"))
            #expect(url.hasPrefix(prefix))
        }
        await kernel.run("dataset viewer=\"http://localhost:8080/\"")
        #expect(try #require(await kernel.run("scene 5")?.text("text/plain")).hasPrefix("http://localhost:8080/#!"))
    }

    @Test("a layer name with markup is escaped in the brief, the table and the link's summary")
    func layerNames() async throws {
        let kernel = Kernel()
        kernel.interpreter.session.bind(name: "link", value: .string(Self.link(layer: Self.evil)))
        for cell in ["decode link", "decode link format=table", "decode link | scene segments=[8]"] {
            let bundle = try #require(await kernel.run(cell))
            let html = try #require(bundle.text("text/html"), "\(cell)")
            Self.assertInert(html)
            #expect(html.contains("&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;"), "\(cell)")
        }
    }

    @Test("table cells, titles, footers and progress titles are escaped")
    func tablesAndProgress() {
        let table = Table(title: Self.evil, columns: ["<th>", "b"], rows: [[.string(Self.evil), .string("a & b")]], footer: "</table><script>x</script>")
        let html = TableRenderer.html(table)
        Self.assertInert(html)
        #expect(html.contains("<td>a &amp; b</td>") && html.contains("<th>&lt;th&gt;</th>"))
        #expect(html.components(separatedBy: "</table>").count == 2)
        for finished in [false, true] {
            let progress = ProgressValue(title: Self.evil, done: 1, total: 2, finished: finished).mimeBundle
            Self.assertInert(progress.text("text/html") ?? "")
        }
    }

    @Test("a scene whose base is not http(s) shows its link as inert text, never as an href")
    func inertLink() throws {
        let state = try NeuroglancerURL.decode(Self.link(layer: "seg"))
        for base in ["javascript:alert(1)//", "data:text/html,x"] {
            let html = try #require(SceneValue(state: state, base: base).mimeBundle.text("text/html"))
            #expect(!html.contains("href") && html.contains("Open in"))
        }
        #expect(HTML.link("https://a.example.org/?q=\"x\"", "t") == "<a href=\"https://a.example.org/?q=&quot;x&quot;\" target=\"_blank\" rel=\"noopener noreferrer\">t</a>")
    }
}
