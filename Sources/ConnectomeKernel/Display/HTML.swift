import ConnectomeCore

/// The one place text and links enter the HTML the kernel shows.
///
/// Every piece of text from a cell, a file or a server (layer names, table cells, titles, URLs) is
/// escaped, so it can never become markup or script in the notebook; links are written only to
/// http(s) URLs, so a `javascript:` or `data:` address stays inert text.
enum HTML {
    /// `text` with `& < > " '` replaced by entities: safe inside elements and quoted attributes.
    ///
    /// Byte by byte over the UTF-8: the five are ASCII and never part of another character's bytes,
    /// so each one is replaced wherever it stands (even before a combining mark), and text without
    /// any of them (most table cells) comes back as it is.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x27: out += Array("&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An anchor that opens `url` in a new tab; just the escaped `text` when `url` is not http(s).
    static func link(_ url: String, _ text: String) -> String {
        guard ViewerBase.isWebURL(url) else { return "<span>\(escape(text))</span>" }
        return "<a href=\"\(escape(url))\" target=\"_blank\" rel=\"noopener noreferrer\">\(escape(text))</a>"
    }
}
