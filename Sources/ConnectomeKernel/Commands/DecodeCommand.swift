import CommandLanguage
import ConnectomeCore
import Foundation
import JSONModel

/// `decode "URL"`: the scene inside a neuroglancer link, as a summary, a segment table or the JSON.
///
/// The result of the default (brief) form is a scene value, so it can be piped into `scene` to change
/// it. State-server links are fetched through the kernel's HTTP transport with the user's token.
enum DecodeCommand {
    static let formats = ["brief", "table", "json"]

    static func spec(state: KernelState, tokens: TokenStore) -> CommandSpec {
        CommandSpec(
            name: "decode",
            summary: "Read the scene inside a neuroglancer or Spelunker link: layers, segments, position.",
            details: """
                Accepts links with the state inline (…/#!{"layers": …}, also the legacy URL-safe form), \
                state-server links (…/#!middleauth+https://…/nglstate/api/v1/<id> and …?json_url=https://…), \
                a scene value, or a variable holding any of these.
                format=brief (the default) shows the position, each layer with its selected and hidden \
                segments and annotation counts, and a link; it is a scene, so it can be changed: \
                decode "URL" | scene segments=[...].
                format=table gives one row per selected segment (id, layer, visible), ready for valid or scene.
                format=json gives the whole viewer state as JSON.
                State-server links need network access; middleauth servers also want a CAVE token for \
                their host, set once with token "..." (host=... for a server other than global.daf-apis.com) \
                or given here with token=...; a token is never sent to another host, nor over plain http.
                """,
            parameters: [
                ParameterSpec("format", .string, default: "brief", help: "what to show", choices: formats),
                ParameterSpec("token", .string, help: "CAVE token for a state-server link (used once, never shown)"),
            ],
            positional: PositionalSpec("URL", ParameterType("link or scene"),
                                       help: "a neuroglancer link, a scene, or a variable holding one", required: true),
            examples: [
                "decode \"https://spelunker.cave-explorer.org/#!{...}\"",
                "decode link format=table",
                "decode link format=json",
                "decode \"https://spelunker.cave-explorer.org/#!middleauth+https://global.daf-apis.com/nglstate/api/v1/5170543917465600\"",
                "decode link | scene segments=[576460752590602315] position=(25000, 14000, 3700)",
            ]
        ) { invocation in
            let format = try invocation.string("format", default: "brief")
            guard formats.contains(format) else {
                throw invocation.argumentError("format", "format \"\(format)\" is not one of \(formats.joined(separator: ", "))",
                                               hint: "Write format=brief, format=table or format=json")
            }
            let scene = try await sceneValue(invocation, state: state, tokens: tokens)
            switch format {
            case "json":
                return .custom(JSONDocumentValue(json: scene.state.json, title: "viewer state"))
            case "table":
                return .table(table(of: scene))
            default:
                var brief = scene
                brief.presentation = .brief
                return .custom(brief)
            }
        }
    }

    /// One row per selected segment of every segmentation layer.
    static func table(of scene: SceneValue) -> Table {
        let rows = scene.state.segmentTable.map { row -> [Value] in
            [.int(Int128(row.segment.rawValue)), .string(row.layer), .bool(row.visible)]
        }
        let layers = Set(scene.state.segmentTable.map(\.layer)).count
        return Table(title: "\(NumberFormat.count(rows.count, "segment")) in \(NumberFormat.count(layers, "layer"))",
                     columns: ["id", "layer", "visible"], rows: rows)
    }

    // MARK: - Reading

    static func sceneValue(_ invocation: Invocation, state: KernelState, tokens: TokenStore) async throws -> SceneValue {
        switch invocation.value(at: 0) {
        case .custom(let scene as SceneValue)?:
            return scene
        case .custom(let document as JSONDocumentValue)?:
            do {
                return SceneValue(state: try ViewerState(json: document.json), base: DatasetDescription.neuroglancerDemo)
            } catch {
                throw invocation.argumentError(at: 0, "URL: this JSON is not a neuroglancer state: \(error.message)")
            }
        case .string(let url)?:
            let link: NeuroglancerURL.Link
            do { link = try NeuroglancerURL.link(url) } catch {
                throw invocation.argumentError(at: 0, error.message, hint: error.hint.isEmpty ? nil : error.hint)
            }
            let base: String
            do { base = try ViewerBase.of(link: url) } catch {
                throw invocation.argumentError(at: 0, error.message, hint: error.hint.isEmpty ? nil : error.hint)
            }
            let viewerState: ViewerState
            switch link {
            case .inline(let json):
                viewerState = try NeuroglancerURL.parseState(Data(json.utf8), origin: "the link")
            case .stateServer(let server, let middleAuth):
                guard let transport = state.environment.transport else {
                    throw ConnectomeError.network(
                        "this kernel has no network transport, so it cannot fetch the state held at \(server)",
                        hint: "Run the kernel with network access, or decode a link whose state is inline (…/#!{\"layers\": …})")
                }
                let token = try self.token(for: server, middleAuth: middleAuth, invocation, tokens: tokens)
                let body = try await fetch(server, middleAuth: middleAuth, token: token, tokens: tokens, transport: transport)
                viewerState = try NeuroglancerURL.parseState(body, origin: server)
            }
            return SceneValue(state: viewerState, base: base)
        case let other?:
            throw invocation.argumentError(at: 0, "URL: expected a neuroglancer link (a string) or a scene, got \(other.errorDescription)",
                                           hint: "Write it like: decode \"https://spelunker.cave-explorer.org/#!{...}\"")
        case nil:
            throw EvaluationError(.argumentError, "'decode' needs a link", hint: "Write it like: decode \"https://…/#!{…}\"",
                                  range: invocation.range)
        }
    }

    /// The token to send to `server`: token= (for this link only), else the one set for its host.
    /// A middleauth link to a host without a token fails here, before any request, saying how to set one.
    static func token(for server: String, middleAuth: Bool, _ invocation: Invocation, tokens: TokenStore) throws -> String? {
        if invocation.has("token") {
            let token = try invocation.string("token")
            do { try CredentialScope.requireSecureChannel(server, for: "token=") } catch {
                throw invocation.argumentError("token", error.message, hint: error.hint.isEmpty ? nil : error.hint)
            }
            return token
        }
        if let token = tokens.token(forURL: server) { return token }
        if middleAuth { throw missingToken(server, tokens: tokens) }
        return nil
    }

    /// "No token for this host", with how to set one; says so when a token exists but the link is plain http.
    static func missingToken(_ server: String, tokens: TokenStore, refused status: Int? = nil) -> ConnectomeError {
        let host = CredentialScope.host(of: server) ?? server
        let answered = status.map { "the state server answered \($0) for \(server)" } ?? "\(server) wants a CAVE token (a middleauth link)"
        if tokens.hasToken(forHostOf: server) {
            return ConnectomeError.auth(
                "\(answered), and the token set for \(host) is not sent to it: tokens travel only over https",
                hint: "Use the link's https:// address")
        }
        let others = tokens.hosts
        let known = others.isEmpty ? "" : " (tokens are set for \(others.joined(separator: ", ")); each goes only to its own host)"
        let setting = host == TokenStore.defaultHost ? "token \"...\"" : "token \"...\" host=\"\(host)\""
        return ConnectomeError.auth(
            "\(answered), but no token is set for \(host)\(known)",
            hint: "Set one with: \(setting) (or read it safely: \(setting.replacingOccurrences(of: "\"...\"", with: "(input \"CAVE token: \" password=true)"))), or pass token=... to decode")
    }

    /// GETs a state server's JSON, with the bearer token when there is one.
    static func fetch(_ url: String, middleAuth: Bool, token: String?, tokens: TokenStore,
                      transport: any HTTPTransport) async throws -> Data {
        var headers: [String: String] = ["Accept": "application/json"]
        if let token {
            try CredentialScope.requireSecureChannel(url, for: "the CAVE token")
            headers["Authorization"] = HTTPAuthorization.bearer(token).headerValue
        }
        let response = try await transport.send(HTTPRequest(url: url, headers: headers))
        switch response.status {
        case 200..<300:
            return response.body
        case 401, 403:
            if token == nil { throw missingToken(url, tokens: tokens, refused: response.status) }
            throw ConnectomeError.auth("the state server answered \(response.status) for \(url)",
                                       hint: "The token was refused; check that it is current and has access to this server")
        case 404:
            throw ConnectomeError.network("the state server has no state at \(url) (404)", hint: "Check the state ID in the link")
        default:
            throw ConnectomeError.network("the state server answered \(response.status) for \(url)",
                                          hint: "Try again later, or ask for a link with the state inline")
        }
    }
}
