import CommandLanguage
import JSONModel
import JupyterProtocol

/// The one place that maps a language value to a MIME bundle.
///
/// Every bundle has `text/plain`. Tables add `text/html`, images `image/png`, scenes a link in
/// `text/html` plus the viewer state under neuroglancer's vendor type. `application/json` is only
/// used where the JSON is the point (JupyterLab would render it in place of a link).
enum DisplayMapper {
    static func bundle(for value: Value) -> MimeBundle {
        switch value {
        case .table(let table):
            return TableRenderer.bundle(for: table)
        case .custom(let custom):
            if let rich = custom as? any RichDisplay { return rich.mimeBundle }
            return .plainText(custom.plainText)
        default:
            return .plainText(value.plainText)
        }
    }
}

/// A domain value that knows its own MIME bundle (images, scenes, JSON documents, progress).
protocol RichDisplay: CustomValue {
    var mimeBundle: MimeBundle { get }
}
