import ConnectomeCore
import Foundation
import Logging
import Synchronization
internal import CCKCurlShims

/// The kernel's `HTTPTransport`: libcurl's multi interface on one dedicated thread.
///
/// Many requests run at once over reused connections (HTTP/2 multiplexing where the server
/// offers it), gzip bodies are decoded by libcurl, connection failures, 429 and 5xx are retried
/// with exponential backoff and jitter (honouring `Retry-After`), and cancelling the awaiting task
/// aborts its transfers at once, so an interrupted cell never waits for a stalled server.
///
/// A retryable status (429, 5xx) still present after the last try throws `ConnectomeError.network`
/// naming the URL, the status and the number of tries; other statuses (404 included) are returned.
public final class CurlTransport: HTTPTransport {
    public let configuration: Configuration
    private let loop: CurlLoop
    private let nextID = Atomic<UInt64>(1)

    /// Why libcurl cannot be used in this process (it is opened on first use, not linked), or nil when
    /// it can. Check before `init`: without the library every transfer would fail.
    public static var unavailableReason: String? {
        cck_curl_load().map { String(cString: $0) }
    }

    /// `logger` gets each retry (why, and the wait before it) and each request given up after
    /// its last try, so the kernel's log shows why a cell was slow.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "connectome.http")) {
        self.configuration = configuration
        self.loop = CurlLoop(configuration: configuration, logger: logger)
    }

    deinit {
        loop.stop()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await sendAll([request])[0]
    }

    /// Puts every request into the multi handle at once (up to `maxConcurrentTransfers` run, the
    /// rest queue) and returns the responses in order. The first failure cancels the others.
    public func sendAll(_ requests: [HTTPRequest]) async throws -> [HTTPResponse] {
        guard !requests.isEmpty else { return [] }
        let first = nextID.wrappingAdd(UInt64(requests.count), ordering: .relaxed).oldValue
        let ids = (0..<UInt64(requests.count)).map { first + $0 }
        let loop = self.loop
        defer { loop.forgetCancellation(ids) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[HTTPResponse], any Error>) in
                let batch = Batch(count: requests.count, continuation: continuation) { loop.abort(ids) }
                let transfers = requests.indices.map { index in
                    CurlTransfer(id: ids[index], request: requests[index]) { batch.deliver(index, $0) }
                }
                loop.submit(transfers)
            }
        } onCancel: {
            loop.cancel(ids)
        }
    }
}

/// Collects the results of one `sendAll` and resumes its continuation once.
private final class Batch: Sendable {
    private struct State {
        var responses: [HTTPResponse?]
        var remaining: Int
        var continuation: CheckedContinuation<[HTTPResponse], any Error>?
    }
    private let state: Mutex<State>
    private let cancelOthers: @Sendable () -> Void

    init(count: Int, continuation: CheckedContinuation<[HTTPResponse], any Error>,
         cancelOthers: @escaping @Sendable () -> Void) {
        state = Mutex(State(responses: Array(repeating: nil, count: count), remaining: count, continuation: continuation))
        self.cancelOthers = cancelOthers
    }

    func deliver(_ index: Int, _ result: Result<HTTPResponse, any Error>) {
        enum Outcome { case none, done([HTTPResponse], CheckedContinuation<[HTTPResponse], any Error>), failed(any Error, CheckedContinuation<[HTTPResponse], any Error>) }
        let outcome: Outcome = state.withLock { state in
            state.remaining -= 1
            guard let continuation = state.continuation else { return .none }
            switch result {
            case .failure(let error):
                state.continuation = nil
                return .failed(error, continuation)
            case .success(let response):
                state.responses[index] = response
                guard state.remaining == 0 else { return .none }
                state.continuation = nil
                return .done(state.responses.map { $0! }, continuation)
            }
        }
        switch outcome {
        case .none: break
        case .done(let responses, let continuation): continuation.resume(returning: responses)
        case .failed(let error, let continuation):
            cancelOthers()
            continuation.resume(throwing: error)
        }
    }
}
