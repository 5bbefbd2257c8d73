import Foundation
import JSONModel

/// The `AuthError`s of CAVE's middle_auth answers: which refusal it was, for which host, and what to do.
///
/// middle_auth says why in a JSON body (`error`: `no_token`, `invalid_token`, `missing_permission`,
/// `missing_tos`); the messages name that case rather than a bare status, because each has a
/// different fix (set a token, get a new one, ask for access, accept the terms of service).
public enum CaveAuthError {
    /// No token set (or none found on disk) for the CAVE server: said before any request.
    public static func noToken(server: String, secrets: CaveSecrets, dataset: String) -> ConnectomeError {
        let host = CredentialScope.host(of: server) ?? server
        return ConnectomeError.auth("dataset \(dataset) needs a CAVE token for \(host), and none is set",
                                    hint: setTokenHint(server: server, secrets: secrets))
    }

    static func unauthorized(host: String, url: String, body: Data, credentials: CaveCredentials, sentToken: Bool) -> ConnectomeError {
        let code = errorCode(body)
        if !sentToken || code == "no_token" {
            return ConnectomeError.auth("\(host) answered 401 (no token provided): no CAVE token is set for \(host)",
                                        hint: setTokenHint(server: credentials.server, secrets: credentials.secrets, host: host))
        }
        return ConnectomeError.auth("\(host) answered 401: the CAVE token sent to it is invalid or expired",
                                    hint: "Create a new token at \(createTokenURL(credentials.server)) and save it with: token"
                                        + (host == CredentialScope.host(of: credentials.server) ? "" : " host=\"\(host)\""))
    }

    static func forbidden(host: String, url: String, body: Data) -> ConnectomeError {
        let json = body.count <= 1 << 20 ? try? JSONValue.parse(body) : nil
        let data = json?["data"]
        switch json?["error"]?.stringValue {
        case "missing_tos":
            let name = clean(data?["tos_name"]?.stringValue) ?? "the dataset's"
            let form = data?["tos_form_url"]?.stringValue.flatMap { CredentialScope.scheme(of: $0).map { ["http", "https"].contains($0) } == true ? clean($0) : nil }
            return ConnectomeError.auth("\(host) answered 403: the terms of service (\(name)) have not been accepted for this account",
                                        hint: form.map { "Accept them at \($0), then run the cell again" }
                                            ?? "Accept the dataset's terms of service in the browser, then run the cell again")
        case "missing_permission":
            let permission = clean(data?["required_permission"]?.stringValue) ?? "view"
            let dataset = clean(data?["auth_dataset"]?.stringValue).map { " for dataset \($0)" } ?? ""
            return ConnectomeError.auth("\(host) answered 403: the token's account lacks the \(permission) permission\(dataset)",
                                        hint: "Ask the dataset's administrators for access, or use the token of an account that has it")
        default:
            return ConnectomeError.auth("\(host) answered 403 (forbidden) for \(url)\(CaveClient.serverMessage(body))",
                                        hint: "The token's account has no access to this resource; ask the dataset's administrators")
        }
    }

    static func loginRedirect(host: String, url: String, credentials: CaveCredentials, sentToken: Bool) -> ConnectomeError {
        ConnectomeError.auth(
            "\(host) redirected \(url) to a login page: the request was not accepted as authenticated"
                + (sentToken ? " (the token may be invalid or expired)" : " (no token is set for \(host))"),
            hint: setTokenHint(server: credentials.server, secrets: credentials.secrets, host: host))
    }

    /// How to set a token for `server`: the `token` command, where it is saved, where to get one.
    static func setTokenHint(server: String, secrets: CaveSecrets, host: String? = nil) -> String {
        let serverHost = CredentialScope.host(of: server) ?? server
        let command = host == nil || host == serverHost ? "token" : "token host=\"\(host!)\""
        let file = CaveSecrets.serverFile(for: server).map { secrets.directory + "/" + $0 } ?? secrets.directory
        return "Run \(command) (it asks for the token with a hidden prompt and saves it in \(file)); create a token at \(createTokenURL(server))"
    }

    static func createTokenURL(_ server: String) -> String {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/auth/api/v1/create_token"
    }

    static func errorCode(_ body: Data) -> String? {
        guard body.count <= 1 << 20, let json = try? JSONValue.parse(body) else { return nil }
        return json["error"]?.stringValue
    }

    /// A server-given string fit for a message: one line of at most 200 printable characters.
    static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        let printable = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200).map(Character.init))
        return printable.isEmpty ? nil : printable
    }
}
