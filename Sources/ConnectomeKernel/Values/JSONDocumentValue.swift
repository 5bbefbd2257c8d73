import CommandLanguage
import JSONModel
import JupyterProtocol

/// A JSON document shown as JSON: `application/json` (JupyterLab's tree view) and pretty text.
///
/// Only for values whose JSON is the point (`decode ... format=json`); scenes never use it, because
/// JupyterLab would show the tree in place of their link.
struct JSONDocumentValue: RichDisplay {
    let json: JSONValue
    /// What the document is, for `vars` and messages ("viewer state").
    let title: String

    var kindName: String { "JSON" }

    /// Pretty JSON with sorted keys, so the same document always reads the same.
    var plainText: String { json.text(sortedKeys: true, pretty: true) }

    var mimeBundle: MimeBundle {
        MimeBundle(data: ["application/json": json, "text/plain": .string(plainText)],
                   metadata: ["application/json": ["expanded": false, "root": .string(title)]])
    }
}
