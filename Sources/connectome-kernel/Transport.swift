import ConnectomeCore
import CurlHTTP

/// The HTTP transport every command shares: one libcurl multi handle, reused connections.
func makeTransport() -> any HTTPTransport {
    CurlTransport()
}
