import ConnectomeCore
import Foundation
import Synchronization

/// An `HTTPTransport` that answers without a network and records every request: either like a
/// static file server (objects by path under one origin, ranges honoured or not), or from a table
/// of whole URLs (state servers, token checks).
public final class CannedTransport: HTTPTransport {
    private enum Answers {
        case files(origin: String, objects: [String: Data], honoursRange: Bool, statuses: [String: Int])
        case urls([String: HTTPResponse])
    }

    private let answers: Answers
    private let log = Mutex<[HTTPRequest]>([])

    /// Objects by path under `origin`; `statuses` fixes the status of some paths; with
    /// `honoursRange` false, full 200 bodies even when a range is asked for (servers that ignore
    /// `Range`). A URL outside `origin` cannot be connected to.
    public init(origin: String, objects: [String: Data], honoursRange: Bool = true, statuses: [String: Int] = [:]) {
        answers = .files(origin: origin, objects: objects, honoursRange: honoursRange, statuses: statuses)
    }

    /// Each URL's status and body; any other URL is a 404 with an empty body.
    public init(_ responses: [String: (status: Int, body: String)]) {
        var table: [String: HTTPResponse] = [:]
        for (url, answer) in responses {
            table[url] = HTTPResponse(status: answer.status, body: Data(answer.body.utf8), url: url)
        }
        answers = .urls(table)
    }

    public var requests: [HTTPRequest] { log.withLock { $0 } }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        log.withLock { $0.append(request) }
        switch answers {
        case .urls(let table):
            return table[request.url] ?? HTTPResponse(status: 404, body: Data(), url: request.url)
        case .files(let origin, let objects, let honoursRange, let statuses):
            guard request.url.hasPrefix(origin + "/") else {
                throw ConnectomeError.network("cannot connect to \(request.url)")
            }
            let path = String(request.url.dropFirst(origin.count + 1)).removingPercentEncoding!
            if let status = statuses[path] {
                return HTTPResponse(status: status, body: Data("error".utf8), url: request.url)
            }
            guard let body = objects[path] else {
                return HTTPResponse(status: 404, body: Data("not found".utf8), url: request.url)
            }
            guard let range = request.range, honoursRange else {
                return HTTPResponse(status: 200, body: body, url: request.url)
            }
            guard range.lowerBound < body.count else {
                return HTTPResponse(status: 416, body: Data(), url: request.url)
            }
            let upper = min(range.upperBound, body.count)
            return HTTPResponse(status: 206, headers: ["content-range": "bytes \(range.lowerBound)-\(upper - 1)/\(body.count)"],
                                body: body.subdata(in: range.lowerBound..<upper), url: request.url)
        }
    }
}
