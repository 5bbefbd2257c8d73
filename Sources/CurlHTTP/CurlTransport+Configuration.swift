import ConnectomeCore
import Foundation

extension CurlTransport {
    /// Limits of one transport: concurrency, timeouts and the retry schedule.
    public struct Configuration: Sendable, Equatable {
        /// Transfers running at once; further requests wait in a queue.
        public var maxConcurrentTransfers: Int = 32
        /// Open connections per host (HTTP/1.1 needs one per transfer; HTTP/2 multiplexes).
        public var maxConnectionsPerHost: Int = 32
        /// Connections kept open for reuse.
        public var connectionCacheSize: Int = 64
        /// Seconds to establish a connection (TCP + TLS).
        public var connectTimeout: Double = 10
        /// A try fails when fewer than `stallBytesPerSecond` arrive for `stallTimeout` seconds.
        public var stallTimeout: Double = 20
        public var stallBytesPerSecond: Int = 1
        /// Seconds one try may take in all (0 = no limit beyond the stall timeout).
        public var requestTimeout: Double = 300
        /// Tries per request, the first included.
        public var maxTries: Int = 4
        /// Delay before the second try; doubles for each further one, with jitter, up to `maxBackoff`.
        public var initialBackoff: Double = 0.25
        public var maxBackoff: Double = 8
        /// Longest `Retry-After` honoured, in seconds; longer waits are cut to this.
        public var maxRetryAfter: Double = 30
        public var userAgent: String = "connectome-kernel"
        /// Largest response body accepted, decoded: a larger `Content-Length` fails before the body
        /// is received (`CURLOPT_MAXFILESIZE_LARGE`), and a body that grows past it without one is cut
        /// off. Either way the request throws a `.data` error naming the URL and the sizes.
        public var maxBodyBytes: Int = DataLimits.maxObjectBytes
        /// Most bytes reserved up front from a `Content-Length` or a range; beyond it the buffer
        /// grows as bytes arrive, so a header that lies costs no memory.
        public var maxPreallocationBytes: Int = 64 << 20

        public init() {}
    }
}
