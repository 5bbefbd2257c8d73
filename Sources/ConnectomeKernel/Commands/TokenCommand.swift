import CommandLanguage
import ConnectomeCore
import Foundation
import Synchronization

/// Bearer tokens for state servers, by host; kept in memory for the life of the kernel, never shown.
final class TokenStore: Sendable {
    /// Host → token; the empty host is the token for every host without its own.
    private let tokens = Mutex<[String: String]>([:])

    func set(_ token: String, host: String?) {
        tokens.withLock { $0[host?.lowercased() ?? ""] = token }
    }

    func clear() {
        tokens.withLock { $0.removeAll() }
    }

    /// The token for `url`'s host, else the one for every host.
    func token(forURL url: String) -> String? {
        let host = Self.host(of: url)
        return tokens.withLock { $0[host] ?? $0[""] }
    }

    /// Hosts with a token, "" for the every-host token.
    var hosts: [String] { tokens.withLock { $0.keys.sorted() } }

    static func host(of url: String) -> String {
        let lower = url.lowercased()
        let afterScheme = lower.range(of: "://").map { lower[$0.upperBound...] } ?? lower[...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let withoutUser = authority.split(separator: "@").last ?? authority
        return String(withoutUser.prefix { $0 != ":" })
    }
}

/// `token "..."`: the CAVE token `decode` sends to state servers (middleauth links).
enum TokenCommand {
    static func spec(tokens: TokenStore) -> CommandSpec {
        CommandSpec(
            name: "token",
            summary: "Set the CAVE token sent to state servers when decoding their links (never shown).",
            details: """
                token "..." stores a bearer token for every host; token "..." host=global.daf-apis.com \
                for that host only (a host's own token wins). token alone lists the hosts that have one; \
                token clear forgets them all. Tokens live in the kernel's memory only and are never printed. \
                To keep a token out of the notebook, read it with input: token (input "CAVE token: " password=true).
                """,
            parameters: [ParameterSpec("host", .string, help: "the server the token is for (default: every host)")],
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
                let rows = tokens.hosts.map { host -> [Value] in [.string(host.isEmpty ? "(every host)" : host), "set (hidden)"] }
                return .table(Table(title: "state-server tokens", columns: ["host", "token"], rows: rows,
                                    footer: rows.isEmpty ? "no token set; token \"...\" sets one" : nil))
            }
            let token = try invocation.string(at: 0).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                throw invocation.argumentError(at: 0, "the token is empty", hint: "Paste the token from your CAVE account")
            }
            let host = try invocation.value("host").map { _ in try invocation.string("host") }.map(TokenStore.host(of:))
            tokens.set(token, host: host)
            invocation.output.print("token set for \(host ?? "every host") (not shown)")
            return nil
        }
    }
}
