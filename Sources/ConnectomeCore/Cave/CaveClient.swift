import Foundation
import ImageCodecs
import JSONModel

/// Sends requests to a CAVE datastack's services and turns their answers into values or errors.
///
/// Every request says it is programmatic (`X-Requested-With`, and `Authorization` when there is a
/// token), so that middle_auth answers 401 instead of redirecting to a login page; a 401, a 403 or
/// a redirect to `/authorize` anyway is an `AuthError` naming the host and what to do. Retries of
/// 429 and 5xx (with `Retry-After`) are the transport's job; what is still failing after them is a
/// `NetworkError` with the server's own message.
public struct CaveClient: Sendable {
    public let transport: any HTTPTransport
    public let credentials: CaveCredentials

    public init(transport: any HTTPTransport, credentials: CaveCredentials) {
        self.transport = transport
        self.credentials = credentials
    }

    /// GETs `url`; the body when the answer is 2xx and at most `maxBytes`.
    public func get(_ url: String, what: String, maxBytes: Int = CaveLimits.maxJSONBytes) async throws -> Data {
        try await send(HTTPRequest(method: .get, url: url), what: what, maxBytes: maxBytes)
    }

    /// POSTs `body` to `url`, gzip-compressed when large and `compress` (JSON: a list of IDs
    /// shrinks to 40 %; a uint64 array of real IDs only to about 80 %, for more time than the bytes
    /// saved take on the wire, so `roots_binary` sends it as it is, as CAVEclient does).
    public func post(_ url: String, body: Data, contentType: String, what: String,
                     maxBytes: Int = CaveLimits.maxJSONBytes, compress: Bool = true) async throws -> Data {
        var request = HTTPRequest(method: .post, url: url, headers: ["Content-Type": contentType], body: body)
        if compress, body.count >= CaveLimits.gzipRequestBytes {
            request.body = Gzip.compressFast(body)
            request.headers["Content-Encoding"] = "gzip"
        }
        return try await send(request, what: what, maxBytes: maxBytes)
    }

    /// Adds the headers, sends, and checks the answer.
    public func send(_ request: HTTPRequest, what: String, maxBytes: Int) async throws -> Data {
        try await response(request, what: what, maxBytes: maxBytes).body
    }

    /// GETs `url`; nil when the server answers 404 (a service or route a deployment may not have,
    /// such as the skeleton service), otherwise as `get`.
    public func getIfPresent(_ url: String, what: String, maxBytes: Int = CaveLimits.maxJSONBytes) async throws -> Data? {
        try await response(HTTPRequest(method: .get, url: url), what: what, maxBytes: maxBytes, missingIsNil: true)?.body
    }

    /// `send`, keeping the answer's headers (materialization says its format and limits there).
    public func response(_ request: HTTPRequest, what: String, maxBytes: Int) async throws -> HTTPResponse {
        try await response(request, what: what, maxBytes: maxBytes, missingIsNil: false)!
    }

    private func response(_ request: HTTPRequest, what: String, maxBytes: Int, missingIsNil: Bool) async throws -> HTTPResponse? {
        var request = request
        request.headers["X-Requested-With"] = "connectome-kernel"
        if request.headers["Accept-Encoding"] == nil {
            // gzip, inflated below with ISA-L on this task: libcurl's zlib inflating a 100,000-root
            // answer on the transport's thread was half of a `roots` call's CPU time.
            request.headers["Accept-Encoding"] = "gzip"
            request.decodeContent = false
        }
        if let token = try credentials.token(for: request.url) {
            try CredentialScope.requireSecureChannel(request.url, for: "the CAVE token")
            request.headers["Authorization"] = HTTPAuthorization.bearer(token).headerValue
        }
        var response = try await transport.send(request)
        if !request.decodeContent, response.isGzipEncoded {
            do {
                response.body = try response.decodedBody(maximumBytes: maxBytes)
                response.headers["content-encoding"] = nil
            } catch where (200..<300).contains(response.status) {
                throw error
            } catch {
                // An error answer whose body does not inflate: its status says what went wrong.
                response.body = Data()
            }
        }
        if missingIsNil, response.status == 404 { return nil }
        try check(response, url: request.url, what: what, sentToken: request.headers["Authorization"] != nil)
        guard response.body.count <= maxBytes else {
            throw ConnectomeError.outOfRange("\(what) from \(request.url)", field: "the body", value: "\(response.body.count) bytes",
                                             allowed: "at most \(DataLimits.describe(bytes: maxBytes))")
        }
        return response
    }

    /// Throws the error an answer means; returns for 2xx JSON or binary answers.
    func check(_ response: HTTPResponse, url: String, what: String, sentToken: Bool) throws(ConnectomeError) {
        let host = CredentialScope.host(of: url) ?? url
        let status = response.status
        switch status {
        case 200..<300:
            // A login page after followed redirects: the server did not take the request as an API call.
            if let type = response.headers["content-type"], type.lowercased().hasPrefix("text/html") {
                throw CaveAuthError.loginRedirect(host: host, url: url, credentials: credentials, sentToken: sentToken)
            }
        case 300..<400:
            if let location = response.headers["location"], location.contains("/authorize") {
                throw CaveAuthError.loginRedirect(host: host, url: url, credentials: credentials, sentToken: sentToken)
            }
            throw ConnectomeError.network("\(host) answered \(status) (a redirect) for \(what) at \(url)",
                                          hint: "Check the server URL given to dataset cave server=")
        case 401:
            throw CaveAuthError.unauthorized(host: host, url: url, body: response.body, credentials: credentials, sentToken: sentToken)
        case 403:
            throw CaveAuthError.forbidden(host: host, url: url, body: response.body)
        case 404:
            throw ConnectomeError.network("\(host) answered 404 (not found) for \(what) at \(url)\(Self.serverMessage(response.body))",
                                          hint: "Check the datastack name and that the server is a CAVE server")
        case 400..<500:
            throw ConnectomeError.argument("\(host) refused \(what) (\(status))\(Self.serverMessage(response.body))",
                                           hint: "Check the IDs and the timestamp")
        default:
            throw ConnectomeError.network("\(host) answered \(status) for \(what) at \(url)\(Self.serverMessage(response.body))",
                                          hint: "The service may be down or overloaded; try again later")
        }
    }

    /// `: <message>` from a CAVE JSON error body (PCG's `message`, middle_auth's `message`), one line, at most 300 characters.
    static func serverMessage(_ body: Data) -> String {
        guard body.count <= 1 << 20, let json = try? JSONValue.parse(body), let message = json["message"]?.stringValue ?? json["error"]?.stringValue
        else { return "" }
        let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let clean = String(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(300).map(Character.init))
        return clean.isEmpty ? "" : ": " + clean
    }
}
