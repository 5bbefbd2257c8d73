/// Which token a CAVE request carries: the one rule for a datastack's servers.
///
/// A token goes to one host at a time, as `CredentialScope` requires (https, or http to this
/// machine). The token of a request to host H is, first found: a token set in the kernel for H
/// (`token host=H`), H's own secret file, and — only when H is one of the servers the user named for
/// this datastack — the token of that server and the shared `cave-secret.json`. The servers named
/// are the CAVE server itself (`dataset cave server=`) and its local server when that is the same
/// host or a host under it (CRANT: `proofreading.zetta.ai` and
/// `data.proofreading.zetta.ai`), so an info service cannot send the token to an unrelated machine
/// by naming it as the local server.
public struct CaveCredentials: Sendable {
    /// The CAVE server (global and auth server) the user named.
    public let server: String
    /// Tokens set in the kernel, by host; nil when none is set.
    public let memory: @Sendable (_ host: String) -> String?
    public let secrets: CaveSecrets

    public init(server: String, secrets: CaveSecrets, memory: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.server = server
        self.secrets = secrets
        self.memory = memory
    }

    /// The token to send with a request to `url`, or nil (the request then goes without one and the
    /// server's 401 says so). Never a token over plain http to another machine.
    public func token(for url: String) throws(ConnectomeError) -> String? {
        guard CredentialScope.isSecureChannel(url), let host = CredentialScope.host(of: url) else { return nil }
        if let token = memory(host) { return token }
        if let found = try secrets.token(for: url, shared: false) { return found.token }
        guard sharesServerToken(host) else { return nil }
        if let serverHost = CredentialScope.host(of: server), let token = memory(serverHost) { return token }
        return try secrets.token(for: server, shared: true)?.token
    }

    /// Whether a token for the server is available at all (for the message before any request).
    public func hasToken() throws(ConnectomeError) -> Bool { try token(for: server) != nil }

    /// Whether `host` may receive the CAVE server's token: the server's own host or a host under it.
    /// (Siblings under a shared parent are not enough: `a.github.io` and `b.github.io` belong to
    /// different people, and no public-suffix list is at hand to tell such domains apart.)
    public func sharesServerToken(_ host: String) -> Bool {
        guard let serverHost = CredentialScope.host(of: server) else { return false }
        return host == serverHost || host.hasSuffix("." + serverHost)
    }
}
