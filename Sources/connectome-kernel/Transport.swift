import ConnectomeCore
import CurlHTTP
import Synchronization

/// The HTTP transport every command shares: one libcurl multi handle, reused connections.
func makeTransport() -> any HTTPTransport {
    LazyTransport {
        if let reason = CurlTransport.unavailableReason { return UnavailableTransport(reason: reason) }
        return CurlTransport()
    }
}

/// What a kernel without a loadable libcurl answers every request with: the cell fails with the reason
/// and the fix, the kernel keeps running (local datasets still work).
struct UnavailableTransport: HTTPTransport {
    let reason: String

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        throw ConnectomeError.network("cannot fetch \(request.url): libcurl cannot be loaded (\(reason))",
                                      hint: "install it (Debian: apt-get install libcurl4) and restart the kernel")
    }
}

/// Creates the real transport on the first request, not at start-up.
///
/// Most cells never touch the network (the sample dataset is read from files), and starting
/// libcurl means initialising OpenSSL and a thread: tens of milliseconds and megabytes a kernel
/// would pay before answering its first `kernel_info_request`.
final class LazyTransport: HTTPTransport {
    private let make: @Sendable () -> any HTTPTransport
    private let transport = Mutex<(any HTTPTransport)?>(nil)

    init(_ make: @escaping @Sendable () -> any HTTPTransport) {
        self.make = make
    }

    private var resolved: any HTTPTransport {
        transport.withLock { existing in
            if let existing { return existing }
            let created = make()
            existing = created
            return created
        }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await resolved.send(request)
    }

    func sendAll(_ requests: [HTTPRequest]) async throws -> [HTTPResponse] {
        try await resolved.sendAll(requests)
    }
}
