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

    /// The token set for `host` (normalized), whatever the URL; the caller applies `CredentialScope`.
    func token(forHost host: String) -> String? {
        tokens.withLock { $0[host] }
    }

    /// Hosts with a token, sorted.
    var hosts: [String] { tokens.withLock { $0.keys.sorted() } }
}

/// `token`: CAVE tokens, for state servers (`decode`) and CAVE datastacks.
///
/// `token` alone asks for the token with a hidden prompt, so it never enters the cell's code, the
/// history or the notebook, and saves it where CAVEclient keeps it (`~/.cloudvolume/secrets`, mode
/// 0600), for the current CAVE datastack's server (and its local server) or CAVE's global server.
/// `token "..."` keeps a token in this kernel's memory only.
enum TokenCommand {
    static func spec(state: KernelState) -> CommandSpec {
        let tokens = state.tokens
        return CommandSpec(
            name: "token",
            summary: "Set a CAVE token: asked with a hidden prompt and saved as CAVEclient saves it, or kept in memory (never shown).",
            details: """
                token alone asks for the token with a hidden prompt and saves it in \
                ~/.cloudvolume/secrets/<server>-cave-secret.json and cave-secret.json (mode 0600), where CAVEclient \
                and cloud-volume read it too; the server is the current CAVE datastack's (dataset crant, dataset cave) \
                or else CAVE's global server (\(TokenStore.defaultHost)); host=HOST names another. \
                token "..." keeps a token for that server in the kernel's memory only (host= as above). A token is \
                sent only to its own host (a datastack's token also to its local server when that is the same \
                host or one under it), only over https (plain http only to this machine), never to a server named \
                by a link for another host. token list shows which hosts have a token; token clear forgets the \
                ones in memory. Tokens are never printed.
                token seatable="…" keeps a Seatable account token (what crantpy reads from CRANTTABLE_TOKEN) \
                for the annotation table of dataset crant, in memory only, for that table's Seatable server; \
                token seatable=(input "Seatable token: " password=true) asks for it with a hidden prompt.
                """,
            parameters: [ParameterSpec("host", .string, help: "the server the token is for (default: the CAVE datastack's server, else \(TokenStore.defaultHost))"),
                         ParameterSpec("seatable", .string,
                                       help: "a Seatable account token for CRANT's annotation table (instead of CRANTTABLE_TOKEN; kept in memory only)")],
            positional: PositionalSpec("TOKEN", .string, help: "the token (kept in memory only)"),
            keywords: ["clear", "list"],
            examples: ["token", "token host=\"global.daf-apis.com\"", "token list", "token clear",
                       "token (input \"CAVE token: \" password=true)", "token seatable=(input \"Seatable token: \" password=true)"],
            synopsis: "token [host=HOST] | token TOKEN [host=HOST] | token seatable=TOKEN | token list | token clear"
        ) { invocation in
            if invocation.hasKeyword("clear") {
                tokens.clear()
                state.seatable.clearTokens()
                invocation.output.print("all tokens in memory forgotten (saved token files are kept)")
                return nil
            }
            if invocation.hasKeyword("list") {
                return .table(listing(state))
            }
            if invocation.has("seatable") {
                return try setSeatable(invocation, state: state)
            }
            let host = try Self.host(invocation, state: state)
            guard invocation.value(at: 0) != nil else {
                return try await askAndSave(invocation, state: state, host: host)
            }
            let token = try invocation.string(at: 0).trimmingCharacters(in: .whitespacesAndNewlines)
            do { try CaveSecrets.validate(token, source: "the token") } catch let error as ConnectomeError {
                throw invocation.argumentError(at: 0, error.message, hint: error.hint.isEmpty ? nil : error.hint)
            }
            tokens.set(token, host: host)
            invocation.output.print("token set for \(host) (not shown)"
                + (invocation.has("host") ? "" : "; for another server: token \"...\" host=HOST"))
            return nil
        }
    }

    /// `token` / `token host=`: a hidden prompt, then the token files (server, local server, shared).
    static func askAndSave(_ invocation: Invocation, state: KernelState, host: String) async throws -> Value? {
        let answer: String
        do {
            answer = try await invocation.output.input(prompt: "CAVE token for \(host): ", password: true)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw EvaluationError(.argumentError, "token could not ask for the token: this front end does not take input",
                                  hint: "Save it with CAVEclient (client.auth.save_token) or write ~/.cloudvolume/secrets/\(host)-cave-secret.json",
                                  range: invocation.range)
        }
        let token = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        try CaveSecrets.validate(token, source: "the token entered")
        let servers = CaveCommands.serversForToken(state: state, host: host)
        let files = try state.environment.caveSecrets.save(token, for: servers)
        state.tokens.set(token, host: host)
        invocation.output.print("token saved for \(host) (not shown) in " + files.joined(separator: ", "))
        return nil
    }

    /// `token seatable="…"`: the Seatable account token of the current dataset's annotation table (CRANT's by default).
    static func setSeatable(_ invocation: Invocation, state: KernelState) throws -> Value? {
        let token = try invocation.string("seatable").trimmingCharacters(in: .whitespacesAndNewlines)
        do { try SeatableClient.validate(token, what: "the Seatable account token") } catch {
            throw invocation.argumentError("seatable", error.message, hint: error.hint.isEmpty ? nil : error.hint)
        }
        let dataset = state.dataset
        let host = (dataset.neuronsURL == nil ? dataset.annotationTable : nil)?.host ?? SeatableTable.crant.host
        state.seatable.setToken(token, host: host)
        invocation.output.print("Seatable account token set for \(host) (not shown; kept in memory only)")
        return nil
    }

    /// Hosts with a token in memory, and the token files on disk.
    static func listing(_ state: KernelState) -> Table {
        var rows = state.tokens.hosts.map { host -> [Value] in [.string(host), "in memory (hidden)"] }
        rows += state.seatable.hosts.map { host -> [Value] in [.string(host), "Seatable account token, in memory (hidden)"] }
        if state.environment.seatableToken != nil {
            rows.append([.string(SeatableTable.crant.host), "Seatable account token from CRANTTABLE_TOKEN (hidden)"])
        }
        let directory = state.environment.caveSecrets.directory
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix("cave-secret.json") }.sorted()
        for file in files {
            let host = file == CaveSecrets.sharedFile ? "any CAVE server named (shared file)" : String(file.dropLast("-cave-secret.json".count))
            rows.append([.string(host), .string("saved in \(directory)/\(file) (hidden)")])
        }
        return Table(title: "CAVE tokens", columns: ["host", "token"], rows: rows,
                     footer: rows.isEmpty ? "no token set; token asks for one and saves it" : nil)
    }

    /// host=, normalized; else the current CAVE datastack's server, else the default host.
    static func host(_ invocation: Invocation, state: KernelState) throws -> String {
        guard invocation.has("host") else {
            return CaveCommands.currentServer(state).flatMap(CredentialScope.host(of:)) ?? TokenStore.defaultHost
        }
        let text = try invocation.string("host")
        guard let host = CredentialScope.host(named: text) else {
            throw invocation.argumentError(
                "host", "host \"\(text)\" is not a host name (a token belongs to one server; there is no token for every host)",
                hint: "Write the server's name, like host=\"global.daf-apis.com\"")
        }
        return host
    }
}
