import ConnectomeCore
import Foundation
import Synchronization

/// An `HTTPTransport` that answers from a dictionary of URL paths, like a static file server.
final class CannedTransport: HTTPTransport {
    let origin: String
    let objects: [String: Data]
    /// Serve full 200 bodies even when a range is asked for (servers that ignore `Range`).
    let honoursRange: Bool
    /// Fixed statuses for some paths.
    let statuses: [String: Int]
    private let log = Mutex<[HTTPRequest]>([])

    init(origin: String, objects: [String: Data], honoursRange: Bool = true, statuses: [String: Int] = [:]) {
        self.origin = origin
        self.objects = objects
        self.honoursRange = honoursRange
        self.statuses = statuses
    }

    var requests: [HTTPRequest] { log.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        log.withLock { $0.append(request) }
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
