import ConnectomeCore
import Foundation
import Synchronization

/// An `HTTPTransport` that answers each request with a closure (for APIs whose answer depends on
/// the method, body and headers, such as CAVE's POST endpoints) and records every request.
public final class ScriptedTransport: HTTPTransport {
    public typealias Answer = @Sendable (HTTPRequest) throws -> HTTPResponse
    private let answer: Answer
    private let log = Mutex<[HTTPRequest]>([])

    public init(_ answer: @escaping Answer) { self.answer = answer }

    public var requests: [HTTPRequest] { log.withLock { $0 } }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        log.withLock { $0.append(request) }
        return try answer(request)
    }

    /// A response with a JSON body.
    public static func json(_ text: String, status: Int = 200, url: String, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["content-type": "application/json"].merging(headers) { $1 }, body: Data(text.utf8), url: url)
    }
}
