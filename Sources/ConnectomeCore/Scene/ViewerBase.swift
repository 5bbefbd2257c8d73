import Foundation

/// The viewer a scene link opens in: the names users write for the known viewers, and the rule that
/// any other base is an http(s) URL.
///
/// A scene becomes a clickable link in the notebook, so a base such as `javascript:…` or `data:…`
/// would make a click run code in the page; every base the kernel writes passes `isWebURL`.
public enum ViewerBase {
    public static let spelunker = DatasetDescription.spelunker
    public static let neuroglancer = DatasetDescription.neuroglancerDemo

    /// The names `viewer=` accepts for the known viewers, in the order help lists them.
    public static let names: [(name: String, base: String)] = [("spelunker", spelunker), ("neuroglancer", neuroglancer)]

    /// A `viewer=` value: a known name (any case) or an http(s) URL with a host.
    public static func resolve(_ text: String) throws(ConnectomeError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let known = names.first(where: { $0.name == trimmed.lowercased() }) { return known.base }
        guard isViewerAddress(trimmed) else {
            throw ConnectomeError.argument(
                "viewer \"\(shown(text))\" is not \(names.map(\.name).joined(separator: ", ")) or an http(s) URL",
                hint: "Write viewer=spelunker, viewer=neuroglancer or viewer=\"https://my.viewer/\"")
        }
        return trimmed
    }

    /// The viewer part of a pasted link (everything before `#` and any `?query`), checked like a
    /// `viewer=` URL; neuroglancer's demo when the link has none.
    public static func of(link: String) throws(ConnectomeError) -> String {
        let text = link.trimmingCharacters(in: .whitespacesAndNewlines)
        var base = text.firstIndex(of: "#").map { String(text[..<$0]) } ?? text
        if let query = base.firstIndex(of: "?") { base = String(base[..<query]) }
        if base.isEmpty { return neuroglancer }
        guard isViewerAddress(base) else {
            throw ConnectomeError.argument(
                "the link's viewer \"\(shown(base))\" is not an http(s) URL, so the scene cannot be opened from it",
                hint: "Paste a link that starts with https://, like https://spelunker.cave-explorer.org/#!{…}")
        }
        return base
    }

    /// Whether `url` is `http://` or `https://` with a host and no spaces or control characters:
    /// the only links the kernel writes into an `href`.
    public static func isWebURL(_ url: String) -> Bool {
        guard let schemeEnd = url.range(of: "://") else { return false }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return false }
        let host = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty else { return false }
        return url.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }
    }

    /// A web URL without quotes, angle brackets or other characters a viewer's address never has
    /// (the state after `#!` is percent-encoded onto it).
    static func isViewerAddress(_ base: String) -> Bool {
        isWebURL(base) && !base.unicodeScalars.contains { "\"'<>\\`{}|^".unicodeScalars.contains($0) }
    }

    /// "Spelunker", "neuroglancer", or the viewer's host.
    public static func displayName(_ base: String) -> String {
        if isSpelunker(base) { return "Spelunker" }
        if base.lowercased().contains("neuroglancer") { return "neuroglancer" }
        let lower = base.lowercased()
        let afterScheme = lower.range(of: "://").map { lower[$0.upperBound...] } ?? lower[...]
        let host = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return host.isEmpty ? "the viewer" : String(host)
    }

    /// Spelunker (CAVE's neuroglancer) wants graphene sources spelled out with their subsources.
    public static func isSpelunker(_ base: String) -> Bool {
        base.lowercased().contains("spelunker")
    }

    private static func shown(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}
