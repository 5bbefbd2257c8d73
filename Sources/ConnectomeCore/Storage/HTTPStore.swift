import Foundation
import ImageCodecs
import Synchronization

/// A store over an HTTP(S) base URL, on top of any `HTTPTransport`.
///
/// Missing objects (404, 410) read as nil; other failures name the URL and the status. Range
/// reads accept both 206 and a full 200 body (sliced here) for servers that ignore `Range`.
public struct HTTPStore: KeyValueStore, CustomStringConvertible {
    public let baseURL: String
    public let transport: any HTTPTransport
    public var authorization: HTTPAuthorization?
    /// Extra headers sent with every request.
    public var headers: [String: String]
    /// A query string (without `?`) added to every request URL, for servers whose object URLs
    /// carry one (CATMAID tile extensions such as `jpg?v=2`); keys themselves never contain one.
    public var query: String?

    /// Learnt from the server's answers; shared by copies of the store.
    private let rangeSupport = RangeSupport()

    /// `scheme://authority`, without the path.
    private let origin: String
    private let basePath: String

    public init(url: String, transport: any HTTPTransport, authorization: HTTPAuthorization? = nil,
                headers: [String: String] = [:]) throws(ConnectomeError) {
        guard let schemeEnd = url.range(of: "://"),
              ["http", "https"].contains(url[..<schemeEnd.lowerBound].lowercased())
        else {
            throw ConnectomeError.argument("'\(url)' is not an http:// or https:// URL")
        }
        let afterScheme = url[schemeEnd.upperBound...]
        let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        guard pathStart > afterScheme.startIndex else {
            throw ConnectomeError.argument("'\(url)' has no host name", hint: "write it as https://host/path")
        }
        if authorization != nil || CredentialScope.carriesSecret(headers) {
            try CredentialScope.requireSecureChannel(url, for: "the credentials for this store")
        }
        origin = String(url[..<pathStart])
        basePath = String(url[pathStart...])
        self.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.transport = transport
        self.authorization = authorization
        self.headers = headers
    }

    public var description: String {
        "HTTPStore(\(baseURL)\(authorization.map { ", \($0)" } ?? ""))"
    }

    /// The URL of `key`, with `..` resolved and each segment percent-encoded as needed.
    public func url(for key: String) throws(ConnectomeError) -> String {
        let segments = try StorePath.resolve(base: basePath, key: key, storeURL: baseURL)
        return origin + "/" + segments.map { segment in
            // The base is already a URL; only key segments may need encoding, and '%' in them is literal.
            segment.addingPercentEncoding(withAllowedCharacters: Self.segmentCharacters) ?? String(segment)
        }.joined(separator: "/")
    }

    private static let segmentCharacters: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        allowed.insert(charactersIn: "%")
        return allowed
    }()

    /// The request for `key`. Bodies are asked for gzip-compressed and inflated by `interpret` on the
    /// caller's task, so that chunks inflate on every core instead of one after another on the
    /// transport's thread (asking for `identity` would make a gzip_static server inflate them all).
    public func request(for key: String, range: Range<Int>?) throws(ConnectomeError) -> HTTPRequest {
        var allHeaders = headers
        if let authorization { allHeaders["Authorization"] = authorization.headerValue }
        if allHeaders.keys.allSatisfy({ $0.lowercased() != "accept-encoding" }) {
            allHeaders["Accept-Encoding"] = "gzip"
        }
        let url = try url(for: key) + (query.map { "?" + $0 } ?? "")
        return HTTPRequest(url: url, headers: allHeaders, range: range, decodeContent: false)
    }

    /// A range read, unless this server has shown that ranges do not help (it ignores them, or
    /// ranges the compressed form of gzip-stored objects): then the whole object is read, inflated
    /// only up to the range's end, and cut.
    ///
    /// A range that starts before 0 or spans more than `DataLimits.maxObjectBytes` is an error
    /// before any request is made.
    public func read(_ key: String, range: Range<Int>?) async throws -> Data? {
        if let range, range.isEmpty { return Data() }
        if let range {
            guard range.lowerBound >= 0, range.count <= DataLimits.maxObjectBytes else {
                throw ConnectomeError.outOfRange(
                    try url(for: key), field: "the byte range asked for", value: "\(range.lowerBound)..<\(range.upperBound)",
                    allowed: "a range from byte 0 on of at most \(DataLimits.describe(bytes: DataLimits.maxObjectBytes))",
                    hint: "the index that gave this range is damaged")
            }
        }
        let useRange = range != nil && !rangeSupport.unhelpful
        let request = try request(for: key, range: useRange ? range : nil)
        let response = try await transport.send(request)
        if useRange, response.status == 200 || (response.status == 206 && response.isGzipEncoded) {
            rangeSupport.unhelpful = true
            if response.status == 206 { return try await read(key, range: range) }
        }
        var asked = request
        asked.range = range
        return try interpret(response, for: asked)
    }

    public func readMany(_ keys: [String]) async throws -> [Data?] {
        let requests = try keys.map { key throws(ConnectomeError) in try request(for: key, range: nil) }
        let responses = try await transport.sendAll(requests)
        return try zip(responses, requests).map { response, request throws(ConnectomeError) in
            try interpret(response, for: request)
        }
    }

    /// Maps a response to bytes, nil (missing) or a `ConnectomeError`.
    func interpret(_ response: HTTPResponse, for request: HTTPRequest) throws(ConnectomeError) -> Data? {
        // Any transport, not only curl (which stops receiving there), is held to the object limit.
        guard response.body.count <= DataLimits.maxObjectBytes else {
            throw Self.tooLarge(request.url, bytes: response.body.count, what: "sent a body of")
        }
        switch response.status {
        case 200, 203:
            // Servers of gzip-stored files (nginx `gzip_static always`, GCS) may send the whole object
            // compressed even for a range: inflate just up to the range's end and cut it out.
            let body = try decoded(response, upTo: request.range?.upperBound)
            guard let range = request.range else { return body }
            let clamped = clamp(range, to: body.count)
            let start = body.startIndex
            return body.subdata(in: (start + clamped.lowerBound)..<(start + clamped.upperBound))
        case 206 where response.isGzipEncoded:
            throw ConnectomeError.data(
                "\(request.url) answered a byte range of its gzip-compressed form, which cannot be decompressed on its own",
                hint: "the server mishandles Range with Content-Encoding; report it to the data's host")
        case 206 where request.range == nil:
            throw ConnectomeError.data("\(request.url) answered 206 Partial Content to a request for the whole object",
                                       hint: "the server mishandles Range; report it to the data's host")
        case 206:
            if let range = request.range, let contentRange = response.headers["content-range"],
               let start = Self.rangeStart(contentRange), start != range.lowerBound {
                throw ConnectomeError.data(
                    "\(request.url) answered bytes starting at \(start) (Content-Range: \(contentRange)) for a request starting at \(range.lowerBound)",
                    hint: "the server mishandles Range requests; report it to the data's host")
            }
            return response.body
        case 204:
            return Data()
        case 416:
            return Data()
        case 404, 410:
            return nil
        case 401, 403:
            throw ConnectomeError.auth(
                "\(request.url) answered \(response.status) \(Self.reason(response.status))",
                hint: authorization == nil
                    ? Self.credentialsHint
                    : "the credentials attached to this store (\(authorization!)) were refused: check or renew them")
        default:
            throw ConnectomeError.network(
                "\(request.url) answered \(response.status) \(Self.reason(response.status))",
                hint: response.status >= 500
                    ? "the server failed; retry later or check its status"
                    : "check the URL; the server refused the request")
        }
    }

    /// What to do about a 401/403 when no credentials were sent: the commands that take them.
    static let credentialsHint =
        "the data is not public: give credentials where the command takes them (catmaid token=, or user= and password=), or use a public or file:// copy"

    /// A response larger than any object the kernel reads (`DataLimits.maxObjectBytes`).
    public static func tooLarge(_ url: String, bytes: Int, what: String) -> ConnectomeError {
        ConnectomeError.data(
            "\(url) \(what) \(bytes) bytes, more than the \(DataLimits.describe(bytes: DataLimits.maxObjectBytes)) the kernel reads in one response",
            hint: "the URL may name the wrong object (a whole archive or shard file); check it")
    }

    /// The body with its gzip content-encoding (if any) removed, inflating at most `limit` bytes
    /// (a prefix), or without a limit at most `DataLimits.maxObjectBytes` (more is an error).
    func decoded(_ response: HTTPResponse, upTo limit: Int?) throws(ConnectomeError) -> Data {
        try response.decodedBody(upTo: limit, maximumBytes: DataLimits.maxObjectBytes)
    }

    /// The first byte of a `Content-Range: bytes a-b/n` header.
    static func rangeStart(_ header: String) -> Int? {
        guard let bytes = header.range(of: "bytes ") else { return nil }
        return Int(header[bytes.upperBound...].prefix { $0.isNumber })
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 300..<400: "(redirect not followed)"
        default: ""
        }
    }
}

/// Whether range requests pay off on a server: set once it ignores them or ranges gzip-encoded bytes.
final class RangeSupport: Sendable {
    private let state = Mutex(false)

    var unhelpful: Bool {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
