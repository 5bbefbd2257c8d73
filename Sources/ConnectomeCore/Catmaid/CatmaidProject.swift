import Foundation

/// One project on a CATMAID server: lists its stacks and fetches their info.
///
/// The server may be `https://…` (the API, with the API token in `X-Authorization`) or a `file://`
/// directory laid out like the API (`{dir}/{project}/stacks`, `{dir}/{project}/stack/{id}/info`),
/// as `SampleCatmaidStack` writes it.
public struct CatmaidProject: Sendable, CustomStringConvertible {
    public let serverURL: String
    public let projectID: Int
    public let credentials: CatmaidCredentials
    private let store: any KeyValueStore

    public init(server: String, project: Int, credentials: CatmaidCredentials = CatmaidCredentials(),
                opener: CatmaidStoreOpener) throws {
        var url = server
        while url.hasSuffix("/") { url.removeLast() }
        self.serverURL = url
        self.projectID = project
        self.credentials = credentials
        self.store = try opener.store(url: url, authorization: credentials.serverBasic?.authorization,
                                      headers: credentials.apiHeaders)
    }

    public var description: String { "CATMAID project \(projectID) on \(serverURL) (\(credentials))" }

    /// `GET {server}/{project}/stacks`.
    public func stacks() async throws -> [StackSummary] {
        let key = "\(projectID)/stacks"
        return try StackSummary.parseList(try await fetch(key), source: "\(serverURL)/\(key)")
    }

    /// `GET {server}/{project}/stack/{id}/info`, the stack named by id or by title.
    public func stackInfo(_ selector: CatmaidSelector) async throws -> StackInfo {
        let stackID: Int
        switch selector {
        case .id(let id):
            stackID = id
        case .title:
            let all = try await stacks()
            let matches = selector.pick(from: all, id: \.id, title: \.title)
            guard matches.count == 1 else {
                let listing = all.map { "\($0.id) '\($0.title)'" }.joined(separator: ", ")
                throw ConnectomeError.argument(
                    matches.isEmpty
                        ? "project \(projectID) on \(serverURL) has no stack with \(selector) (its stacks: \(listing.isEmpty ? "none" : listing))"
                        : "\(matches.count) stacks of project \(projectID) have \(selector): \(matches.map { String($0.id) }.joined(separator: ", "))",
                    hint: "name the stack by id")
            }
            stackID = matches[0].id
        }
        let key = "\(projectID)/stack/\(stackID)/info"
        return try StackInfo.parse(try await fetch(key), source: "\(serverURL)/\(key)")
    }

    private func fetch(_ key: String) async throws -> Data {
        let data: Data?
        do {
            data = try await store.read(key)
        } catch let error as ConnectomeError where error.kind == .auth {
            throw ConnectomeError.auth(
                "CATMAID server \(serverURL) refused access to project \(projectID): \(error.message)",
                hint: credentials.apiToken == nil && credentials.serverBasic == nil
                    ? "connect again with an API token (catmaid \"\(serverURL)\" token=\"…\") or HTTP Basic credentials (catmaid \"\(serverURL)\" user=\"name\" password=true)"
                    : "the credentials given (\(credentials)) were refused: check the API token or user and password")
        }
        guard let data else {
            throw ConnectomeError.argument("\(serverURL)/\(key) does not exist",
                                           hint: "check the server URL, project id \(projectID) and stack id")
        }
        return data
    }
}
