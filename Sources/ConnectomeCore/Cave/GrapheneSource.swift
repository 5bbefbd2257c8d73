import Foundation

/// A `graphene://` segmentation source as neuroglancer and CloudVolume write it:
/// `graphene://[middleauth+]https://host[/prefix]/segmentation/table/<table>` (or the legacy
/// `/segmentation/1.0/<table>`).
///
/// The chunked graph's `info` lives at `…/segmentation/table/<table>/info` and its API at
/// `…/segmentation/api/v1/table/<table>` on the same server (neuroglancer's `AppInfo`, CloudVolume's
/// `GrapheneMetadata`); both are asked with the CAVE token, the watershed volume the info names is not.
public struct GrapheneSource: Sendable, Equatable {
    /// The URL as given.
    public let url: String
    /// `scheme://host[:port][/prefix]` without `middleauth+` and without a trailing slash.
    public let server: String
    /// The chunked-graph table (PCG table) name.
    public let table: String

    public init(parsing url: String) throws(ConnectomeError) {
        let shown = url.count > 160 ? String(url.prefix(160)) + "…" : url
        let form = "graphene://https://host/segmentation/table/NAME"
        var rest = url.trimmingCharacters(in: .whitespaces)
        guard rest.lowercased().hasPrefix("graphene://") else {
            throw ConnectomeError.argument("'\(shown)' is not a graphene:// source", hint: "Write it like \(form)")
        }
        rest = String(rest.dropFirst("graphene://".count))
        if let hash = rest.firstIndex(of: "#") { rest = String(rest[..<hash]) }
        if rest.lowercased().hasPrefix("middleauth+") { rest = String(rest.dropFirst("middleauth+".count)) }
        while rest.hasSuffix("/") { rest.removeLast() }
        guard let scheme = CredentialScope.scheme(of: rest), ["http", "https"].contains(scheme),
              CredentialScope.host(of: rest) != nil, !rest.contains("?") else {
            throw ConnectomeError.argument("'\(shown)' does not name an http(s) chunked-graph server with a plain host",
                                           hint: "Write it like \(form)")
        }
        let marker = rest.range(of: "/segmentation/table/", options: .backwards)
            ?? rest.range(of: "/segmentation/1.0/", options: .backwards)
        guard let marker else {
            throw ConnectomeError.argument("'\(shown)' has no /segmentation/table/NAME path", hint: "Write it like \(form)")
        }
        let table = String(rest[marker.upperBound...])
        guard !table.isEmpty, table.utf8.count <= 200,
              table.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) else {
            throw ConnectomeError.argument("'\(shown)': the table name \"\(table.prefix(60))\" is not a chunked-graph table (letters, digits, _ - .)",
                                           hint: "Write it like \(form)")
        }
        self.url = url
        self.server = String(rest[..<marker.lowerBound])
        self.table = table
    }

    public static func isGraphene(_ url: String) -> Bool { url.lowercased().hasPrefix("graphene://") }

    /// `…/segmentation/table/<table>/info`: the watershed's scales, `data_dir` and the graph's shape.
    public var infoURL: String { server + "/segmentation/table/" + table + "/info" }
}
