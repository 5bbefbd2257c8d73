import Foundation

/// Which Seatable table holds a dataset's annotations: the server, the workspace, the base and the table.
///
/// CRANT keeps its neuron annotations in table `CRANTb_meta` of base `CRANTb` in workspace 62919 on
/// `cloud.seatable.io` (crantpy `config.py`), for both of its datasets.
public struct SeatableTable: Sendable, Hashable, CustomStringConvertible {
    /// The server, `https://…` without a trailing slash.
    public private(set) var server: String
    public private(set) var workspaceID: Int
    public private(set) var base: String
    public private(set) var table: String

    public init(server: String, workspaceID: Int, base: String, table: String) throws(ConnectomeError) {
        var url = server.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        guard let scheme = CredentialScope.scheme(of: url), ["http", "https"].contains(scheme), CredentialScope.host(of: url) != nil,
              !url.contains("?"), !url.contains("#") else {
            throw ConnectomeError.argument("the Seatable server \"\(url.prefix(120))\" is not an http(s) URL with a plain host",
                                           hint: "Write it like \"https://cloud.seatable.io\"")
        }
        guard (1...999_999_999).contains(workspaceID) else {
            throw ConnectomeError.outOfRange("the Seatable table", field: "workspace", value: workspaceID, allowed: "1 to 999999999")
        }
        for (field, name) in [("base", base), ("table", table)] where !Self.isName(name) {
            throw ConnectomeError.argument(
                "the Seatable \(field) name \"\(name.prefix(60))\" is not a name (letters, digits, _ - and inner spaces, at most 200)",
                hint: "CRANT's are base \"CRANTb\" and table \"CRANTb_meta\"")
        }
        self.server = url
        self.workspaceID = workspaceID
        self.base = base
        self.table = table
    }

    /// CRANT's annotation table (crantpy `CRANT_SEATABLE_SERVER_URL`, `_WORKSPACE_ID`, `_BASENAME`, `_ANNOTATIONS_TABLES`).
    public static let crant = try! SeatableTable(server: "https://cloud.seatable.io", workspaceID: 62919, base: "CRANTb", table: "CRANTb_meta")

    /// The same table on another server (a mirror, or a local test server).
    public func on(server: String) throws(ConnectomeError) -> SeatableTable {
        try SeatableTable(server: server, workspaceID: workspaceID, base: base, table: table)
    }

    /// The host every Seatable token of this table goes to, and no other.
    public var host: String { CredentialScope.host(of: server) ?? server }

    public var description: String { "Seatable \(server) workspace \(workspaceID) base \(base) table \(table)" }

    /// The table name as a SQL identifier (in backticks, which `isName` keeps out of names).
    var sqlName: String { "`" + table + "`" }

    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && name.first != " " && name.last != " "
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_- ".contains($0)) }
    }
}
