/// A user name and password for HTTP Basic auth; the password never appears in a description.
public struct BasicCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    public var authorization: HTTPAuthorization { .basic(user: user, password: password) }

    public var description: String { "user \(user) (password redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}

/// Everything a CATMAID session may need to authenticate: the server's API token and/or Basic
/// credentials, and Basic credentials per image mirror (mirrors often live on other hosts).
///
/// Each secret goes only where it was given for: the API token and server Basic with requests to
/// the server's own URL, a mirror's Basic with requests to that mirror's URL, and none of them over
/// plain http to another machine (`HTTPStore` refuses credentials that `CredentialScope` does not
/// allow). Descriptions and reflection are redacted, so printing a session, a reader or an error
/// never shows a secret.
public struct CatmaidCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// CATMAID's API token, sent as `X-Authorization: Token <token>`.
    public var apiToken: String?
    /// HTTP Basic for the server itself (some instances sit behind it).
    public var serverBasic: BasicCredentials?
    /// HTTP Basic per mirror id.
    public var mirrors: [Int: BasicCredentials]

    public init(apiToken: String? = nil, serverBasic: BasicCredentials? = nil, mirrors: [Int: BasicCredentials] = [:]) {
        self.apiToken = apiToken
        self.serverBasic = serverBasic
        self.mirrors = mirrors
    }

    /// The header name CATMAID reads API tokens from (Basic may then use `Authorization`).
    public static let tokenHeader = "X-Authorization"

    /// Headers for requests to the server's API.
    var apiHeaders: [String: String] {
        apiToken.map { [Self.tokenHeader: "Token \($0)"] } ?? [:]
    }

    public var description: String {
        var parts: [String] = []
        if apiToken != nil { parts.append("API token (redacted)") }
        if let serverBasic { parts.append("server Basic \(serverBasic)") }
        for id in mirrors.keys.sorted() { parts.append("mirror \(id) Basic \(mirrors[id]!)") }
        return parts.isEmpty ? "no credentials" : parts.joined(separator: ", ")
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}
