import ConnectomeCore
import Foundation
import Synchronization

/// An `HTTPTransport` that answers from a table of URL → response and records every request.
final class CannedTransport: HTTPTransport {
    private let responses: [String: HTTPResponse]
    private let sent = Mutex<[HTTPRequest]>([])

    init(_ responses: [String: (status: Int, body: String)]) {
        var table: [String: HTTPResponse] = [:]
        for (url, answer) in responses {
            table[url] = HTTPResponse(status: answer.status, body: Data(answer.body.utf8), url: url)
        }
        self.responses = table
    }

    var requests: [HTTPRequest] { sent.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        sent.withLock { $0.append(request) }
        return responses[request.url] ?? HTTPResponse(status: 404, body: Data(), url: request.url)
    }
}
