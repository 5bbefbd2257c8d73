/// Opens the store behind a data-source URL as users write them in neuroglancer and CloudVolume.
///
/// Accepted: `precomputed://` before any of the others (stripped), `file://`, `http://`,
/// `https://`, `gs://bucket/path` (public GCS over HTTPS) and `s3://bucket/path` (public S3 over
/// HTTPS). A trailing `#…` fragment (neuroglancer's `#type=mesh`) is dropped.
public func openStore(url: String, transport: (any HTTPTransport)?,
                      authorization: HTTPAuthorization? = nil) throws -> any KeyValueStore {
    var rest = url.trimmingCharacters(in: .whitespaces)
    if let hash = rest.firstIndex(of: "#") { rest = String(rest[..<hash]) }
    let wrapped = rest.lowercased().hasPrefix("precomputed://")
    if wrapped { rest = String(rest.dropFirst("precomputed://".count)) }
    let lower = rest.lowercased()

    func http(_ httpURL: String) throws -> any KeyValueStore {
        guard let transport else {
            throw ConnectomeError.argument("'\(url)' is read over HTTP, and this kernel was started without an HTTP transport",
                                           hint: "use a file:// URL, or start the kernel with networking enabled")
        }
        return try HTTPStore(url: httpURL, transport: transport, authorization: authorization)
    }

    if lower.hasPrefix("file://") { return try FileStore(url: rest) }
    if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return try http(rest) }
    if lower.hasPrefix("gs://") { return try http("https://storage.googleapis.com/" + rest.dropFirst("gs://".count)) }
    if lower.hasPrefix("s3://") { return try http("https://s3.amazonaws.com/" + rest.dropFirst("s3://".count)) }
    throw StoreURLError.unopenable(url, scheme: rest.range(of: "://").map { String(rest[..<$0.lowerBound]) + "://" },
                                   wrapped: wrapped)
}

/// The words for a data-source URL no store opens: what is wrong with it, then the schemes that work.
enum StoreURLError {
    static let schemes = "file://, http://, https://, gs://bucket/path or s3://bucket/path"

    /// `scheme` is the URL's own (`ftp://`), nil when it has none; `wrapped` when it came after `precomputed://`.
    static func unopenable(_ url: String, scheme: String?, wrapped: Bool) -> ConnectomeError {
        let shown = url.count > 200 ? String(url.prefix(200)) + "…" : url
        guard let scheme else {
            return ConnectomeError.argument(
                "'\(shown)' has no scheme\(wrapped ? " after precomputed://" : "")",
                hint: "use \(schemes) (optionally after precomputed://), e.g. precomputed://gs://bucket/volume")
        }
        return ConnectomeError.argument(
            "'\(shown)' uses \(scheme), which the kernel cannot read",
            hint: "use \(schemes) (optionally after precomputed://)")
    }
}
