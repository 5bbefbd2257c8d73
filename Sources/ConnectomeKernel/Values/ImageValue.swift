import CommandLanguage
import Foundation
import ImageCodecs
import JSONModel
import JupyterProtocol
import Synchronization

/// An image a command produced (an EM section, an overlay): shown as a PNG with a one-line summary.
///
/// The PNG is encoded once, when first displayed, and kept: showing the same value again (or
/// saving it from `eval`) costs nothing.
final class ImageValue: RichDisplay, Sendable {
    let image: PixelImage
    let summary: String
    /// How the PNG is encoded: `.fast` for EM, `.flat` for a segmentation, `.compact` for overlays.
    let pngOptions: PNGOptions
    private let encoded = Mutex<Data?>(nil)

    init(image: PixelImage, summary: String, pngOptions: PNGOptions = .fast) {
        self.image = image
        self.summary = summary
        self.pngOptions = pngOptions
    }

    var kindName: String { "image" }
    var plainText: String { summary }

    func isEqual(to other: any CustomValue) -> Bool {
        guard let other = other as? ImageValue else { return false }
        return other.image == image
    }

    /// A value whose PNG is encoded now, off the cooperative pool: an interrupt during the encoding
    /// of a large image returns at once (the encoder's thread finishes on its own and is dropped).
    static func encoded(image: PixelImage, summary: String, pngOptions: PNGOptions = .fast) async throws -> ImageValue {
        let value = ImageValue(image: image, summary: summary, pngOptions: pngOptions)
        do {
            _ = try await BlockingWork.run { _ in try value.png() }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // An image PNG cannot hold is shown by its summary (see `mimeBundle`).
        }
        return value
    }

    func png() throws -> Data {
        if let data = encoded.withLock({ $0 }) { return data }
        let data = try PNGCodec.encode(image, options: pngOptions)
        encoded.withLock { $0 = data }
        return data
    }

    var mimeBundle: MimeBundle {
        guard let png = try? png() else {
            return .plainText(summary + " (the image could not be encoded as PNG)")
        }
        return MimeBundle(
            data: ["image/png": .string(png.base64EncodedString()), "text/plain": .string(summary)],
            metadata: ["image/png": ["width": .int(Int64(image.width)), "height": .int(Int64(image.height))]])
    }
}
