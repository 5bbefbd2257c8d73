import Foundation

/// The one door to the network. `CurlHTTP` implements it with libcurl's multi interface; tests can
/// pass a canned transport. Retries, timeouts, decompression and connection reuse are the
/// transport's job, so that every reader above it gets them alike.
public protocol HTTPTransport: Sendable {
    /// Sends one request. A response with any final status is returned (404 included). Failures to
    /// get a response at all, and retryable statuses (429, 5xx) still answered after the last try,
    /// throw `ConnectomeError.network` naming the URL, the status and the number of tries.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse

    /// Sends many requests, overlapping them; responses in the order of `requests`.
    func sendAll(_ requests: [HTTPRequest]) async throws -> [HTTPResponse]
}

extension HTTPTransport {
    public func sendAll(_ requests: [HTTPRequest]) async throws -> [HTTPResponse] {
        try await WorkerPool.withChildTasks {
            try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
                for (index, request) in requests.enumerated() {
                    group.addTask { (index, try await self.send(request)) }
                }
                var results = [HTTPResponse?](repeating: nil, count: requests.count)
                for try await (index, response) in group { results[index] = response }
                return results.map { $0! }
            }
        }
    }
}

public struct HTTPRequest: Sendable, Hashable {
    public enum Method: String, Sendable { case get = "GET", head = "HEAD", post = "POST" }

    public var method: Method
    public var url: String
    public var headers: [String: String]
    /// Half-open byte range, sent as `Range: bytes=a-(b-1)`.
    public var range: Range<Int>?
    public var body: Data?
    /// True (the default): the transport asks for compressed transfer and hands over the decoded
    /// body. False: the body is handed over as sent, its `content-encoding` header kept, so that the
    /// caller can inflate it on its own thread (many chunks decode in parallel instead of one after
    /// another on the transport's thread) and stop early when it needs only a prefix.
    public var decodeContent: Bool

    public init(method: Method = .get, url: String, headers: [String: String] = [:], range: Range<Int>? = nil,
                body: Data? = nil, decodeContent: Bool = true) {
        self.method = method
        self.url = url
        self.headers = headers
        self.range = range
        self.body = body
        self.decodeContent = decodeContent
    }
}

public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    /// The body, already decoded from any `Content-Encoding` the transport asked for.
    public var body: Data
    public var url: String

    public init(status: Int, headers: [String: String] = [:], body: Data, url: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }
}
