import ConnectomeCore

/// The one place text and links enter the HTML the kernel shows.
///
/// Every piece of text from a cell, a file or a server (layer names, table cells, titles, URLs) is
/// escaped, so it can never become markup or script in the notebook; links are written only to
/// http(s) URLs, so a `javascript:` or `data:` address stays inert text.
enum HTML {
    /// `text` with `& < > " '` replaced by entities: safe inside elements and quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// An anchor that opens `url` in a new tab; just the escaped `text` when `url` is not http(s).
    static func link(_ url: String, _ text: String) -> String {
        guard ViewerBase.isWebURL(url) else { return "<span>\(escape(text))</span>" }
        return "<a href=\"\(escape(url))\" target=\"_blank\" rel=\"noopener noreferrer\">\(escape(text))</a>"
    }
}
