internal import CCKCurl
internal import CCKCurlShims
import ConnectomeCore
import Foundation

/// One request while it is in the loop: its easy handle, the body being received and its tries.
///
/// Owned by the loop thread from submission to completion; `complete` is called exactly once.
final class CurlTransfer: @unchecked Sendable {
    let id: UInt64
    /// The request of the next try: a redirect followed by the loop replaces it (see `follow`).
    private(set) var request: HTTPRequest
    /// Redirects followed by the loop for this request so far.
    private(set) var redirects = 0
    let complete: @Sendable (Result<HTTPResponse, any Error>) -> Void

    var tries = 0
    /// When a retry may start (loop clock, seconds).
    var notBefore: Double = 0
    var handle: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    // The body, received into one growing malloc'd buffer sized from Content-Length when known
    // (up to `maxPreallocation`), never past `maxBodyBytes`.
    private var body: UnsafeMutableRawPointer?
    private var bodyCapacity = 0
    private(set) var bodyCount = 0
    private(set) var headers: [String: String] = [:]
    private(set) var maxBodyBytes = DataLimits.maxObjectBytes
    private var maxPreallocation = 64 << 20
    /// Why this try's body was refused, when the write callback stopped the transfer.
    private(set) var bodyFailure: BodyFailure?

    enum BodyFailure: Equatable {
        /// The body grew past `maxBodyBytes` (no Content-Length, or a wrong one, or content decoding).
        case tooLarge(limit: Int)
        /// malloc could not grow the buffer.
        case outOfMemory(bytes: Int)
    }

    init(id: UInt64, request: HTTPRequest, complete: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) {
        self.id = id
        self.request = request
        self.complete = complete
    }

    deinit {
        free(body)
        errorBuffer.deallocate()
        curl_slist_free_all(headerList)
    }

    /// Sets every option of `handle` for one try of this request.
    func configure(_ handle: UnsafeMutableRawPointer, configuration: CurlTransport.Configuration) {
        self.handle = handle
        maxBodyBytes = max(0, configuration.maxBodyBytes)
        maxPreallocation = max(0, min(configuration.maxPreallocationBytes, maxBodyBytes))
        resetReceived()
        errorBuffer[0] = 0
        let easy = handle
        let me = Unmanaged.passUnretained(self).toOpaque()
        cck_easy_setopt_string(easy, CURLOPT_URL, request.url)
        cck_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        cck_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        if request.decodeContent {
            // Every encoding libcurl can decode is offered, and the body arrives decoded.
            cck_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        }
        // libcurl keeps only `Authorization` and `Cookie` off other hosts on a redirect; an
        // `X-Authorization` or `Proxy-Authorization` would follow to any host. A request that carries
        // a secret is therefore redirected by the loop (`follow`), which drops secrets off-origin.
        cck_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, CredentialScope.carriesSecret(request.headers) ? 0 : 1)
        cck_easy_setopt_long(easy, CURLOPT_MAXREDIRS, Self.maxRedirects)
        cck_easy_setopt_long(easy, CURLOPT_PIPEWAIT, 1)
        cck_easy_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        cck_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, 256 * 1024)
        cck_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        cck_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(configuration.requestTimeout))
        cck_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, configuration.stallBytesPerSecond)
        cck_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, (Self.milliseconds(configuration.stallTimeout) + 999) / 1000))
        cck_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent)
        // A Content-Length above the limit fails at once (CURLE_FILESIZE_EXCEEDED); bodies without
        // one are held to the limit by appendBody.
        cck_easy_setopt_offset(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBodyBytes))
        cck_easy_setopt_write_callback(easy, curlWriteBody)
        cck_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        cck_easy_setopt_header_callback(easy, curlWriteHeader)
        cck_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me)

        switch request.method {
        case .get:
            cck_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case .head:
            cck_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        case .post:
            let payload = request.body ?? Data()
            cck_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(payload.count))
            payload.withUnsafeBytes { raw in
                // COPYPOSTFIELDS copies POSTFIELDSIZE bytes; a non-null pointer is needed even when empty.
                let bytes = raw.baseAddress ?? UnsafeRawPointer(errorBuffer)
                cck_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes))
            }
        }
        if let range = request.range, !range.isEmpty {
            cck_easy_setopt_string(easy, CURLOPT_RANGE, "\(range.lowerBound)-\(range.upperBound - 1)")
            _ = reserve(min(range.count, maxPreallocation))
        }
        if headerList == nil, !request.headers.isEmpty {
            for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
                headerList = curl_slist_append(headerList, "\(name): \(value)")
            }
        }
        if let headerList {
            cck_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
        }
    }

    /// Redirects followed for one request, by libcurl or by the loop (libcurl's own default is 30).
    static let maxRedirects = 10

    /// Points the next try at `next`, the target of a redirect; false when too many were followed.
    func follow(_ next: HTTPRequest) -> Bool {
        guard redirects < Self.maxRedirects else { return false }
        redirects += 1
        request = next
        curl_slist_free_all(headerList)
        headerList = nil
        resetReceived()
        return true
    }

    /// The request that follows a `status` redirect of `request` to the absolute URL `target`, as a
    /// browser and libcurl do it (303, and 301/302 after a POST, become a GET without a body); secret
    /// headers are kept only when the target has the same scheme, host and port. Nil for a target
    /// that is not http(s) or a status that is not a redirect.
    static func redirected(_ request: HTTPRequest, status: Int, to target: String) -> HTTPRequest? {
        guard [301, 302, 303, 307, 308].contains(status),
              let scheme = CredentialScope.scheme(of: target), scheme == "http" || scheme == "https" else { return nil }
        var next = request
        next.url = target
        if status == 303 || (request.method == .post && status != 307 && status != 308) {
            if next.method != .head { next.method = .get }
            next.body = nil
            next.headers = next.headers.filter { !["content-type", "content-encoding", "content-length"].contains($0.key.lowercased()) }
        }
        if origin(of: target) != origin(of: request.url) {
            next.headers = next.headers.filter { !CredentialScope.secretHeaders.contains($0.key.lowercased()) }
        }
        return next
    }

    /// `scheme://host:port` in lower case with the default port written out; nil when not parseable.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased() else { return nil }
        let port = components.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        return "\(scheme)://\(host):\(port)"
    }

    /// Seconds as whole milliseconds for libcurl: negative and NaN become 0 (no limit), anything
    /// past a year is cut to a year, so no configured number can trap the conversion.
    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds > 0 else { return 0 }
        return Checked.int(min(seconds, 365 * 86_400) * 1000, rounding: .up) ?? 0
    }

    /// Drops what an earlier try received.
    func resetReceived() {
        bodyCount = 0
        headers = [:]
        bodyFailure = nil
    }

    /// Grows the buffer to `capacity` bytes; false (buffer unchanged) when malloc fails.
    func reserve(_ capacity: Int) -> Bool {
        guard capacity > bodyCapacity else { return true }
        guard let grown = realloc(body, capacity) else { return false }
        body = grown
        bodyCapacity = capacity
        return true
    }

    /// Appends received bytes; false stops the transfer (libcurl then fails it with CURLE_WRITE_ERROR).
    fileprivate func appendBody(_ bytes: UnsafeRawPointer, _ count: Int) -> Bool {
        guard count <= maxBodyBytes - bodyCount else {
            bodyFailure = .tooLarge(limit: maxBodyBytes)
            return false
        }
        let needed = bodyCount + count
        if needed > bodyCapacity {
            // Doubling, but never past the limit: the last growth lands exactly on it.
            let wanted = min(max(needed, bodyCapacity + min(bodyCapacity, maxBodyBytes - bodyCapacity), 64 * 1024), maxBodyBytes)
            guard reserve(wanted) else {
                bodyFailure = .outOfMemory(bytes: wanted)
                return false
            }
        }
        (body! + bodyCount).copyMemory(from: bytes, byteCount: count)
        bodyCount += count
        return true
    }

    /// One header line, as libcurl hands it over. Parsed as bytes: this runs on the one libcurl
    /// thread for every response, and Foundation's trimming (via NSString) cost a third of it.
    fileprivate func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        if line.starts(with: "HTTP/".utf8) {
            headers = [:]  // a new response (after a redirect or 100 Continue)
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: Self.trimmed(line[..<colon]).lazy.map(Self.lowercased), as: UTF8.self)
        let value = String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)
        headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        if name == "content-length", let length = Int(value), length > 0 {
            // A hint only: at most `maxPreallocation` is reserved, whatever the header claims.
            _ = reserve(min(length, maxPreallocation))
        }
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var bytes = bytes
        let space: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        while let first = bytes.first, space(first) { bytes.removeFirst() }
        while let last = bytes.last, space(last) { bytes.removeLast() }
        return bytes
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
    }

    /// Hands the received body over as `Data` without copying; the transfer forgets it.
    func takeBody() -> Data {
        guard let body, bodyCount > 0 else { return Data() }
        let data = Data(bytesNoCopy: body, count: bodyCount, deallocator: .free)
        self.body = nil
        bodyCapacity = 0
        bodyCount = 0
        return data
    }

    var curlErrorDetail: String {
        String(cString: errorBuffer)
    }
}

private let curlWriteBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    bytes, size, count, context in
    let total = size * count
    guard let bytes, let context, total > 0 else { return total }
    let accepted = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().appendBody(bytes, total)
    return accepted ? total : 0
}

private let curlWriteHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    bytes, size, count, context in
    let total = size * count
    guard let bytes, let context, total > 0 else { return total }
    Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        .receiveHeaderLine(UnsafeRawBufferPointer(start: bytes, count: total))
    return total
}
