import Foundation
import ImageCodecs

extension HTTPResponse {
    /// Whether the body is still gzip-encoded (`content-encoding: gzip`): the request was sent with
    /// `decodeContent` false.
    var isGzipEncoded: Bool {
        headers["content-encoding"].map { $0.lowercased().contains("gzip") } ?? false
    }

    /// The body with its gzip content-encoding (if any) removed, inflating at most `limit` bytes (a
    /// prefix), or without a limit at most `maximumBytes` (more is an error). Inflated here, with ISA-L,
    /// by whoever asked (on its own task) rather than by libcurl's zlib on the transport's one thread.
    func decodedBody(upTo limit: Int? = nil, maximumBytes: Int) throws(ConnectomeError) -> Data {
        guard isGzipEncoded else { return body }
        do {
            if let limit { return try Gzip.decompress(body, prefix: limit) }
            return try Gzip.decompress(body, maximumBytes: maximumBytes)
        } catch where error.exceededLimit != nil {
            throw HTTPStore.tooLarge(url, bytes: maximumBytes, what: "sent gzip-encoded data that inflates to more than")
        } catch {
            throw ConnectomeError.data("\(url) sent gzip-encoded data that does not decompress: \(error.message)",
                                       hint: "the object on the server is damaged; re-upload it or report it to the data's host")
        }
    }
}
