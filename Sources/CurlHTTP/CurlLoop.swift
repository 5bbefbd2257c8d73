internal import CCKCurl
internal import CCKCurlShims
import ConnectomeCore
import Foundation
import Logging
import Synchronization

/// The libcurl multi handle and the one thread that drives it.
///
/// Other threads only touch `inbox` (under its lock) and call `curl_multi_wakeup`; everything
/// else — easy handles, the active set, retries — belongs to the loop thread, as libcurl requires.
final class CurlLoop: @unchecked Sendable {
    private struct Inbox {
        var submitted: [CurlTransfer] = []
        /// Ids whose awaiting task was cancelled; an id may arrive before its transfer does.
        var cancelled: Set<UInt64> = []
        /// Ids to abort if still running; unlike `cancelled`, forgotten after one pass.
        var aborted: Set<UInt64> = []
        var stopping = false
    }

    private let configuration: CurlTransport.Configuration
    private let policy: RetryPolicy
    private let logger: Logger
    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private let finished = DispatchSemaphore(value: 0)

    // Loop-thread state.
    private var waiting: [CurlTransfer] = []  // FIFO, ready to start
    private var retrying: [CurlTransfer] = []  // waiting for their backoff to pass
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private let clockStart = DispatchTime.now().uptimeNanoseconds

    init(configuration: CurlTransport.Configuration, logger: Logger) {
        self.configuration = configuration
        self.policy = RetryPolicy(configuration: configuration)
        self.logger = logger
        CurlLoop.globalInit
        multi = curl_multi_init()
        cck_multi_setopt_long(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX)
        cck_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        cck_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(configuration.maxConnectionsPerHost, configuration.maxConcurrentTransfers))
        cck_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.connectionCacheSize)
        let thread = Thread { [self] in run() }
        thread.name = "curl-multi"
        thread.start()
    }

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    // MARK: - Any thread

    func submit(_ transfers: [CurlTransfer]) {
        let rejected: [CurlTransfer] = inbox.withLock { inbox in
            if inbox.stopping { return transfers }
            var rejected: [CurlTransfer] = []
            for transfer in transfers {
                if inbox.cancelled.remove(transfer.id) != nil { rejected.append(transfer) } else { inbox.submitted.append(transfer) }
            }
            return rejected
        }
        for transfer in rejected { transfer.complete(.failure(CancellationError())) }
        curl_multi_wakeup(multi)
    }

    func cancel(_ ids: [UInt64]) {
        inbox.withLock { $0.cancelled.formUnion(ids) }
        curl_multi_wakeup(multi)
    }

    /// Aborts those of `ids` still queued or running (the rest of a batch after one failed).
    func abort(_ ids: [UInt64]) {
        inbox.withLock { $0.aborted.formUnion(ids) }
        curl_multi_wakeup(multi)
    }

    /// Forgets cancellation marks of transfers that completed before the mark could take effect.
    func forgetCancellation(_ ids: [UInt64]) {
        inbox.withLock { inbox in for id in ids { inbox.cancelled.remove(id) } }
    }

    /// Stops the thread, failing whatever is still queued or running, and waits for it.
    func stop() {
        inbox.withLock { $0.stopping = true }
        curl_multi_wakeup(multi)
        finished.wait()
    }

    // MARK: - Loop thread

    private var now: Double { Double(DispatchTime.now().uptimeNanoseconds - clockStart) / 1e9 }

    private func run() {
        var running: Int32 = 0
        while true {
            let (submitted, cancelled, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.submitted = []
                    inbox.aborted = []
                }
                return (inbox.submitted, inbox.cancelled.union(inbox.aborted), inbox.stopping)
            }
            if stopping { break }
            waiting.append(contentsOf: submitted)
            if !cancelled.isEmpty { applyCancellations(cancelled) }
            promoteRetries()
            startWaiting()

            curl_multi_perform(multi, &running)
            collectFinished()
            startWaiting()

            var timeout = 1000
            if let next = retrying.map(\.notBefore).min() {
                timeout = min(timeout, CurlTransfer.milliseconds(next - now))
            }
            var descriptors: Int32 = 0
            curl_multi_poll(multi, nil, 0, Int32(timeout), &descriptors)
        }
        shutDown()
    }

    private func applyCancellations(_ ids: Set<UInt64>) {
        var found: [UInt64] = []
        for (handle, transfer) in active where ids.contains(transfer.id) {
            curl_multi_remove_handle(multi, handle)
            active[handle] = nil
            recycle(handle)
            found.append(transfer.id)
            transfer.complete(.failure(CancellationError()))
        }
        for transfer in waiting + retrying where ids.contains(transfer.id) {
            found.append(transfer.id)
            transfer.complete(.failure(CancellationError()))
        }
        waiting.removeAll { ids.contains($0.id) }
        retrying.removeAll { ids.contains($0.id) }
        if !found.isEmpty { forgetCancellation(found) }
    }

    private func promoteRetries() {
        let clock = now
        let due = retrying.filter { $0.notBefore <= clock }
        guard !due.isEmpty else { return }
        retrying.removeAll { $0.notBefore <= clock }
        waiting.insert(contentsOf: due, at: 0)
    }

    private func startWaiting() {
        while active.count < configuration.maxConcurrentTransfers, !waiting.isEmpty {
            let transfer = waiting.removeFirst()
            let handle = idleHandles.popLast() ?? curl_easy_init()!
            transfer.tries += 1
            transfer.configure(handle, configuration: configuration)
            active[handle] = transfer
            curl_multi_add_handle(multi, handle)
        }
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, handle)
            guard let transfer = active.removeValue(forKey: handle) else { continue }
            var status = 0
            cck_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            // Set only for a redirect libcurl did not follow (a request carrying a secret).
            var location: UnsafeMutableRawPointer?
            cck_easy_getinfo_pointer(handle, CURLINFO_REDIRECT_URL, &location)
            let redirect = location.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) }
            recycle(handle)
            finish(transfer, code: code, status: status, redirect: redirect)
        }
    }

    private func finish(_ transfer: CurlTransfer, code: CURLcode, status: Int, redirect: String?) {
        let request = transfer.request
        let canRetry = transfer.tries < configuration.maxTries
        if code != CURLE_OK, let error = Self.bodyError(transfer, code: code) {
            transfer.complete(.failure(error))
            return
        }
        if code != CURLE_OK {
            let text = String(cString: curl_easy_strerror(code))
            let detail = transfer.curlErrorDetail
            if canRetry, RetryPolicy.isRetryable(curlCode: code) {
                schedule(transfer, retryAfter: nil, reason: "curl error \(code.rawValue): \(text)")
                return
            }
            logger.warning("HTTP request failed", metadata: [
                "method": "\(request.method.rawValue)", "url": "\(request.url)", "tries": "\(transfer.tries)",
                "error": "curl error \(code.rawValue): \(text)",
            ])
            transfer.complete(.failure(ConnectomeError.network(
                "\(request.method.rawValue) \(request.url) failed after \(transfer.tries) \(transfer.tries == 1 ? "try" : "tries"): \(text) (curl error \(code.rawValue)\(detail.isEmpty ? "" : ": \(detail)"))",
                hint: Self.hint(for: code))))
            return
        }
        if let redirect, let next = CurlTransfer.redirected(request, status: status, to: redirect) {
            guard transfer.follow(next) else {
                transfer.complete(.failure(ConnectomeError.network(
                    "\(request.method.rawValue) \(request.url) was redirected more than \(CurlTransfer.maxRedirects) times",
                    hint: "the server sends requests in a circle: check the URL")))
                return
            }
            transfer.tries -= 1  // a redirect is not a failed try
            waiting.insert(transfer, at: 0)
            return
        }
        if RetryPolicy.isRetryable(status: status) {
            if canRetry {
                schedule(transfer, retryAfter: transfer.headers["retry-after"], reason: "status \(status)")
                return
            }
            logger.warning("HTTP request gave up", metadata: [
                "method": "\(request.method.rawValue)", "url": "\(request.url)", "tries": "\(transfer.tries)",
                "status": "\(status)",
            ])
            transfer.complete(.failure(ConnectomeError.network(
                "\(request.method.rawValue) \(request.url) answered \(status) on each of \(transfer.tries) \(transfer.tries == 1 ? "try" : "tries")",
                hint: status == 429
                    ? "the server is throttling requests: wait a minute and run the cell again, or read fewer chunks at once"
                    : "the server is failing: try again later or check the server's status")))
            return
        }
        let response = HTTPResponse(status: status, headers: transfer.headers, body: transfer.takeBody(), url: request.url)
        transfer.complete(.success(response))
    }

    /// Puts `transfer` back after its backoff; `reason` (a status or a curl error) goes to the log,
    /// with the wait, so that a slow cell's log says which server made it wait and why.
    private func schedule(_ transfer: CurlTransfer, retryAfter: String?, reason: String) {
        transfer.resetReceived()
        let delay = policy.delay(beforeTry: transfer.tries + 1, retryAfter: retryAfter)
        transfer.notBefore = now + delay
        var metadata: Logger.Metadata = [
            "method": "\(transfer.request.method.rawValue)", "url": "\(transfer.request.url)", "reason": "\(reason)",
            "try": "\(transfer.tries + 1)", "of": "\(configuration.maxTries)", "delay_s": "\(String(format: "%.3f", delay))",
        ]
        if let retryAfter { metadata["retry_after"] = "\(retryAfter)" }
        logger.notice(reason.hasPrefix("status 429") ? "HTTP throttled (429): backing off" : "HTTP retry after backoff",
                      metadata: metadata)
        retrying.append(transfer)
    }

    private func recycle(_ handle: UnsafeMutableRawPointer) {
        curl_easy_reset(handle)
        if idleHandles.count < configuration.maxConcurrentTransfers {
            idleHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
    }

    private func shutDown() {
        let leftover = inbox.withLock { inbox in
            defer { inbox.submitted = [] }
            return inbox.submitted
        }
        let error = ConnectomeError.network("the HTTP transport was shut down before the request finished")
        for (handle, transfer) in active {
            curl_multi_remove_handle(multi, handle)
            curl_easy_cleanup(handle)
            transfer.complete(.failure(error))
        }
        active = [:]
        for transfer in waiting + retrying + leftover { transfer.complete(.failure(error)) }
        waiting = []
        retrying = []
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles = []
        curl_multi_cleanup(multi)
        finished.signal()
    }

    /// The `.data` error of a body refused for its size (never retried: the object stays as large).
    static func bodyError(_ transfer: CurlTransfer, code: CURLcode) -> ConnectomeError? {
        let request = transfer.request
        let limit = DataLimits.describe(bytes: transfer.maxBodyBytes)
        if code == CURLE_FILESIZE_EXCEEDED {
            let declared = transfer.headers["content-length"].map { "Content-Length: \($0)" } ?? "a size"
            return ConnectomeError.data(
                "\(request.method.rawValue) \(request.url) announced \(declared) bytes, more than the \(limit) the kernel reads in one response",
                hint: "the URL may name the wrong object (a whole archive or shard file); check it")
        }
        guard code == CURLE_WRITE_ERROR, let failure = transfer.bodyFailure else { return nil }
        switch failure {
        case .tooLarge:
            return ConnectomeError.data(
                "\(request.method.rawValue) \(request.url) sent a body of more than \(limit) (the kernel's limit for one response); the transfer was stopped there",
                hint: "the URL may name the wrong object (a whole archive or shard file); check it")
        case .outOfMemory(let bytes):
            return ConnectomeError.data(
                "\(request.method.rawValue) \(request.url): no memory for a \(bytes)-byte response body",
                hint: "free memory (cache clear, fewer variables) and run the cell again")
        }
    }

    static func hint(for code: CURLcode) -> String {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST: "check the host name in the URL and the network connection"
        case CURLE_COULDNT_CONNECT: "check that the server is running and reachable (host, port, firewall)"
        case CURLE_OPERATION_TIMEDOUT: "the server stopped sending data; try again later or raise the transport's timeouts"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE: "the server's TLS certificate was not accepted; check the URL and the system's CA certificates"
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: "check the URL"
        default: "check the URL and the network connection, then run the cell again"
        }
    }
}
