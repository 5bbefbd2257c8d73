import CommandLanguage
import ConnectomeCore
import Foundation
import ImageCodecs
import JupyterProtocol

/// `adjacency`'s answer: the synapse-count matrix as a table, with its heatmap beside it.
///
/// The HTML holds the picture and the table side by side; `image/png` is there too, for
/// front ends that show pictures and not HTML. Piped on, it is the table (its `pre` column).
struct AdjacencyValue: RichDisplay {
    let matrix: AdjacencyMatrix
    let table: DataTable
    /// Said under the table: the materialization read, rows a server limited.
    var notes: [String] = []

    var kindName: String { "table" }

    var tableValue: DataTableValue {
        DataTableValue(table, title: "synapses from \(NumberFormat.count(matrix.sources.count, "neuron")) (rows) onto \(NumberFormat.count(matrix.targets.count, "neuron")) (columns)",
                       notes: ["\(NumberFormat.grouped(Int(clamping: matrix.total))) synapses in \(NumberFormat.count(matrix.nonzeroCount, "connected pair")); the most between one pair: \(matrix.maximum)"] + notes)
    }

    var plainText: String { tableValue.plainText }

    func isEqual(to other: any CustomValue) -> Bool { (other as? AdjacencyValue)?.matrix == matrix }

    var mimeBundle: MimeBundle {
        let tableBundle = tableValue.mimeBundle
        let heatmap = AdjacencyHeatmap.render(matrix)
        guard let png = try? PNGCodec.encode(heatmap, options: .drawing) else { return tableBundle }
        let base64 = png.base64EncodedString()
        let tableHTML = tableBundle.data["text/html"]?.stringValue ?? TableRenderer.html(tableValue)  // rendered once
        let html = """
            <div style="display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap">\
            <img src="data:image/png;base64,\(base64)" width="\(heatmap.width)" height="\(heatmap.height)" \
            alt="adjacency heatmap" style="image-rendering:pixelated;border:1px solid #ccc"/>\
            <div style="overflow:auto">\(tableHTML)</div></div>
            """
        var data = tableBundle.data
        data["text/html"] = .string(html)
        data["image/png"] = .string(base64)
        return MimeBundle(data: data, metadata: ["image/png": ["width": .int(Int64(heatmap.width)), "height": .int(Int64(heatmap.height))]])
    }
}
