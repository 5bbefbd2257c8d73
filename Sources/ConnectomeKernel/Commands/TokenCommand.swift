import CommandLanguage
import ConnectomeCore
import Foundation
import Synchronization

/// Bearer tokens for state servers, one per host; kept in memory for the life of the kernel, never shown.
///
/// There is no token for every host: a token goes only to the host it was set for, and only where
/// `CredentialScope` allows (https, or http to this machine), so a pasted link that names another
/// server never receives it.
final class TokenStore: Sendable {
    /// The host `token "..."` sets when no host= is given: CAVE's global server, where
    /// `middleauth+https://global.daf-apis.com/nglstate/...` links keep their states (as caveclient).
    static let defaultHost = "global.daf-apis.com"

    /// Normalized host → token.
    private let tokens = Mutex<[String: String]>([:])

    func set(_ token: String, host: String) {
        tokens.withLock { $0[host] = token }
    }

    func clear() {
        tokens.withLock { $0.removeAll() }
    }

    /// The token set for `url`'s host, when the request may carry it.
    func token(forURL url: String) -> String? {
        guard let host = CredentialScope.host(of: url) else { return nil }
        return tokens.withLock { $0[host] }.flatMap { CredentialScope.permits(url, secretFor: host) ? $0 : nil }
    }

    /// Whether a token is set for `url`'s host, whether or not this URL may carry it.
    func hasToken(forHostOf url: String) -> Bool {
        guard let host = CredentialScope.host(of: url) else { return false }
        return tokens.withLock { $0[host] != nil }
    }

    /// Hosts with a token, sorted.
    var hosts: [String] { tokens.withLock { $0.keys.sorted() } }
}

/// `token "..."`: the CAVE token `decode` sends to state servers (middleauth links).
enum TokenCommand {
    static func spec(tokens: TokenStore) -> CommandSpec {
        CommandSpec(
            name: "token",
            summary: "Set the CAVE token sent to state servers when decoding their links (never shown).",
            details: """
                token "..." stores a bearer token for CAVE's global server (\(TokenStore.defaultHost)); \
                token "..." host=state.example.org for another server. A token is sent only to its own host, \
                only over https (plain http only to this machine), never to a server named by a link for \
                another host. token alone lists the hosts that have one; token clear forgets them all. Tokens \
                live in the kernel's memory only and are never printed. To keep a token out of the notebook, \
                read it with input: token (input "CAVE token: " password=true).
                """,
            parameters: [ParameterSpec("host", .string, help: "the server the token is for (default: \(TokenStore.defaultHost))")],
            positional: PositionalSpec("TOKEN", .string, help: "the token"),
            keywords: ["clear"],
            examples: ["token (input \"CAVE token: \" password=true)", "token \"...\" host=\"global.daf-apis.com\"", "token", "token clear"],
            synopsis: "token [TOKEN [host=HOST]] | token clear"
        ) { invocation in
            if invocation.hasKeyword("clear") {
                tokens.clear()
                invocation.output.print("all tokens forgotten")
                return nil
            }
            guard invocation.value(at: 0) != nil else {
                let rows = tokens.hosts.map { host -> [Value] in [.string(host), "set (hidden)"] }
                return .table(Table(title: "state-server tokens", columns: ["host", "token"], rows: rows,
                                    footer: rows.isEmpty ? "no token set; token \"...\" sets one" : nil))
            }
            let token = try invocation.string(at: 0).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                throw invocation.argumentError(at: 0, "the token is empty", hint: "Paste the token from your CAVE account")
            }
            let host = try Self.host(invocation)
            tokens.set(token, host: host)
            invocation.output.print("token set for \(host) (not shown)"
                + (invocation.has("host") ? "" : "; for another server: token \"...\" host=HOST"))
            return nil
        }
    }

    /// host=, normalized; the default host when absent.
    static func host(_ invocation: Invocation) throws -> String {
        guard invocation.has("host") else { return TokenStore.defaultHost }
        let text = try invocation.string("host")
        guard let host = CredentialScope.host(named: text) else {
            throw invocation.argumentError(
                "host", "host \"\(text)\" is not a host name (a token belongs to one server; there is no token for every host)",
                hint: "Write the server's name, like host=\"global.daf-apis.com\"")
        }
        return host
    }
}
