internal import CCKCurl
import Foundation

/// Which failures are worth another try, and how long to wait before it.
struct RetryPolicy: Sendable {
    let configuration: CurlTransport.Configuration

    /// Statuses that say "try again later": throttling and server-side failures.
    static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    /// curl results that come from the connection, not from the request or the data.
    static func isRetryable(curlCode: CURLcode) -> Bool {
        switch curlCode {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_PARTIAL_FILE, CURLE_OPERATION_TIMEDOUT,
             CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM,
             CURLE_SSL_CONNECT_ERROR:
            true
        default:
            false
        }
    }

    /// Seconds to wait before try number `nextTry` (2 for the first retry).
    func delay(beforeTry nextTry: Int, retryAfter: String?) -> Double {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return min(seconds, configuration.maxRetryAfter)
        }
        let exponential = configuration.initialBackoff * pow(2, Double(max(0, nextTry - 2)))
        let capped = min(exponential, configuration.maxBackoff)
        return capped * Double.random(in: 0.5...1.0)
    }
}
