import CommandLanguage
import ConnectomeCore
import Foundation
import ImageCodecs
import JupyterProtocol
import Synchronization

/// A neuron's skeleton: shown as an XY projection with the root (soma) marked, and its numbers.
///
/// The picture is drawn once, when first shown. `nodes` gives the node table; `scene skeleton=`
/// draws it in neuroglancer.
final class SkeletonValue: RichDisplay, Sendable {
    let skeleton: Skeleton
    /// Where it came from, for the summary line ("from the sample's skeletons", "rerooted at …").
    let note: String?
    private let picture = Mutex<(png: Data, width: Int, height: Int, scale: String?)?>(nil)

    init(_ skeleton: Skeleton, note: String? = nil) {
        self.skeleton = skeleton
        self.note = note
    }

    var kindName: String { "skeleton" }

    var plainText: String {
        SkeletonSummary(skeleton).text + (note.map { " " + $0 } ?? "")
    }

    func isEqual(to other: any CustomValue) -> Bool { (other as? SkeletonValue)?.skeleton == skeleton }

    var nodeTable: DataTableValue {
        DataTableValue(skeleton.nodeTable.dataTable,
                       title: "nodes of the skeleton\(skeleton.segmentID.map { " of \($0)" } ?? "") (positions and radius in nm)")
    }

    private func drawn() throws -> (png: Data, width: Int, height: Int, scale: String?) {
        if let done = picture.withLock({ $0 }) { return done }
        let drawing = SkeletonPicture(skeleton)
        let png = try PNGCodec.encode(drawing.image, options: .drawing)
        let done = (png, drawing.image.width, drawing.image.height, drawing.scaleBarLabel)
        picture.withLock { $0 = done }
        return done
    }

    var mimeBundle: MimeBundle {
        let text = plainText
        guard let drawing = try? drawn() else { return .plainText(text) }
        let caption = text + (drawing.scale.map { " Scale bar: \($0)." } ?? "") + " XY projection; the dot is the root."
        let base64 = drawing.png.base64EncodedString()
        // The numbers under the picture: JupyterLab shows one MIME type, and a PNG alone says
        // nothing of the cable length, branch points or tips.
        let html = """
            <figure style="margin:0"><img src="data:image/png;base64,\(base64)" width="\(drawing.width)" \
            height="\(drawing.height)" alt="skeleton XY projection"/>\
            <figcaption>\(HTML.escape(caption))</figcaption></figure>
            """
        return MimeBundle(
            data: ["image/png": .string(base64), "text/html": .string(html), "text/plain": .string(caption)],
            metadata: ["image/png": ["width": .int(Int64(drawing.width)), "height": .int(Int64(drawing.height))]])
    }
}
