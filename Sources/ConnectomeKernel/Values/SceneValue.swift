import CommandLanguage
import ConnectomeCore
import Foundation
import JSONModel
import JupyterProtocol

/// A neuroglancer scene riding through the language: a viewer state and the viewer it opens in.
///
/// It shows as a link that opens in a new tab, with the state under neuroglancer's own MIME type,
/// and never with `application/json` beside the link: JupyterLab would render the JSON tree instead.
/// `scene` and `decode` both make one, so a decoded link can be changed and encoded again.
struct SceneValue: RichDisplay {
    /// How the scene shows in a cell: as a link (`scene`) or as a summary of what it holds (`decode`).
    enum Presentation: Sendable {
        case link
        case brief
    }

    let state: ViewerState
    /// The viewer URL before `#!` (Spelunker, neuroglancer, or any other deployment).
    let base: String
    /// The link, encoded once: a scene with thousands of segments is shown and printed more than once.
    let url: String
    var presentation: Presentation

    init(state: ViewerState, base: String, presentation: Presentation = .link) {
        self.state = state
        self.base = base
        self.url = NeuroglancerURL.encode(state, base: base)
        self.presentation = presentation
    }

    /// Links longer than this get a warning: some browsers, proxies and chat tools cut them.
    static let longURLCharacters = 8_000
    static let stateMIMEType = "application/vnd.neuroglancer.state+json"

    var kindName: String { "scene" }

    var plainText: String {
        switch presentation {
        case .link: return url
        case .brief: return briefText
        }
    }

    func isEqual(to other: any CustomValue) -> Bool {
        guard let other = other as? SceneValue else { return false }
        return url == other.url
    }

    var mimeBundle: MimeBundle {
        let html: String
        switch presentation {
        case .link: html = linkHTML
        case .brief: html = briefHTML
        }
        return MimeBundle(data: [
            "text/plain": .string(plainText),
            "text/html": .string(html),
            Self.stateMIMEType: state.json,
        ])
    }

    // MARK: - Text

    /// "Spelunker", "neuroglancer", or the viewer's host.
    var viewerName: String { ViewerBase.displayName(base) }

    /// "3 layers: image, segmentation (2 segments), brain mesh · 2 segments".
    var oneLineSummary: String {
        let summary = state.summary
        let layers = summary.layers.map { layer -> String in
            var notes: [String] = []
            if layer.kind == "segmentation" || layer.kind == "mesh", layer.selectedSegments + layer.hiddenSegments > 0 {
                notes.append(NumberFormat.count(layer.selectedSegments, "segment"))
                if layer.hiddenSegments > 0 { notes.append("\(layer.hiddenSegments) hidden") }
            }
            if layer.kind == "annotation" { notes.append(NumberFormat.count(layer.annotations, "annotation")) }
            if !layer.visible { notes.append("off") }
            return notes.isEmpty ? layer.name : "\(layer.name) (\(notes.joined(separator: ", ")))"
        }
        var text = "\(NumberFormat.count(layers.count, "layer"))"
        if !layers.isEmpty { text += ": " + layers.joined(separator: ", ") }
        text += " · \(NumberFormat.count(segmentCount, "segment"))"
        if let position = state.position { text += " · at \(NumberFormat.vector(position))" }
        return text
    }

    /// Distinct selected segments over all segmentation layers (group layers repeat the main layer's).
    var segmentCount: Int { Set(state.segmentIDs).count }

    /// Header, position and layout, then one aligned line per layer.
    private var briefText: String {
        let summary = state.summary
        var lines = ["scene for \(viewerName): \(NumberFormat.count(summary.layers.count, "layer")), \(NumberFormat.count(segmentCount, "segment"))"]
        let voxels = summary.voxelSize.map { "voxels of " + $0.map(NumberFormat.plain).joined(separator: " × ") + " nm" }
        if let position = summary.position {
            lines.append("position \(NumberFormat.vector(position))" + (voxels.map { " in \($0)" } ?? ""))
        } else {
            lines.append("position not set" + (voxels.map { " (\($0))" } ?? ""))
        }
        if let layout = summary.layout { lines.append("layout \(layout)") }
        let nameWidth = summary.layers.map(\.name.count).max() ?? 0
        let kindWidth = summary.layers.map(\.kind.count).max() ?? 0
        for layer in summary.layers {
            var notes: [String] = []
            if layer.kind == "segmentation" || layer.kind == "mesh" {
                notes.append("\(NumberFormat.grouped(layer.selectedSegments)) selected")
                if layer.hiddenSegments > 0 { notes.append("\(NumberFormat.grouped(layer.hiddenSegments)) hidden") }
            }
            if layer.kind == "annotation" { notes.append(NumberFormat.count(layer.annotations, "annotation")) }
            if !layer.visible { notes.append("layer off") }
            let name = layer.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let kind = layer.kind.padding(toLength: kindWidth, withPad: " ", startingAt: 0)
            lines.append("  \(name)  \(kind)  \(notes.joined(separator: ", "))".trimmingTrailingSpaces())
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - HTML

    private var anchor: String {
        HTML.link(url, "Open in \(viewerName)")
    }

    private var lengthWarning: String {
        guard url.utf8.count > Self.longURLCharacters else { return "" }
        return "<div style=\"color:#a15c00\">This link is \(NumberFormat.grouped(url.utf8.count)) characters long; some browsers, "
            + "servers and chat tools limit URL length (often to about 8,000), so it may be cut when shared. "
            + "Select fewer segments or annotations if it does not open.</div>"
    }

    private var linkHTML: String {
        "<div class=\"connectome-scene\">\(anchor) <span style=\"opacity:0.7\">\(HTML.escape(oneLineSummary))</span>"
            + lengthWarning + "</div>"
    }

    private var briefHTML: String {
        let summary = state.summary
        var html = "<div class=\"connectome-scene\">\(anchor) <span style=\"opacity:0.7\">"
            + "\(NumberFormat.count(summary.layers.count, "layer")), \(NumberFormat.count(segmentCount, "segment"))</span>"
        var facts: [String] = []
        if let position = summary.position {
            var text = "position \(NumberFormat.vector(position))"
            if let voxel = summary.voxelSize { text += " in voxels of " + voxel.map(NumberFormat.plain).joined(separator: " × ") + " nm" }
            facts.append(text)
        }
        if let layout = summary.layout { facts.append("layout \(layout)") }
        if !facts.isEmpty { html += "<div>\(HTML.escape(facts.joined(separator: " · ")))</div>" }
        html += "<table class=\"connectome-table\"><thead><tr><th>layer</th><th>type</th><th>visible</th>"
            + "<th>selected</th><th>hidden</th><th>annotations</th></tr></thead><tbody>"
        for layer in summary.layers {
            let cells = [layer.name, layer.kind, layer.visible ? "yes" : "no", String(layer.selectedSegments),
                         String(layer.hiddenSegments), String(layer.annotations)]
            html += "<tr>" + cells.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>"
        }
        html += "</tbody></table>" + lengthWarning + "</div>"
        return html
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
