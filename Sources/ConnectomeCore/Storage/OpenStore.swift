/// Opens the store behind a data-source URL as users write them in neuroglancer and CloudVolume.
///
/// Accepted: `precomputed://` before any of the others (stripped), `file://`, `http://`,
/// `https://`, `gs://bucket/path` (public GCS over HTTPS) and `s3://bucket/path` (public S3 over
/// HTTPS). A trailing `#…` fragment (neuroglancer's `#type=mesh`) is dropped.
public func openStore(url: String, transport: (any HTTPTransport)?,
                      authorization: HTTPAuthorization? = nil) throws -> any KeyValueStore {
    var rest = url.trimmingCharacters(in: .whitespaces)
    if let hash = rest.firstIndex(of: "#") { rest = String(rest[..<hash]) }
    if rest.lowercased().hasPrefix("precomputed://") { rest = String(rest.dropFirst("precomputed://".count)) }
    let lower = rest.lowercased()

    func http(_ httpURL: String) throws -> any KeyValueStore {
        guard let transport else {
            throw ConnectomeError.argument("cannot open \(url): no HTTP transport is configured",
                                           hint: "use a file:// URL, or run with networking enabled")
        }
        return try HTTPStore(url: httpURL, transport: transport, authorization: authorization)
    }

    if lower.hasPrefix("file://") { return try FileStore(url: rest) }
    if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return try http(rest) }
    if lower.hasPrefix("gs://") { return try http("https://storage.googleapis.com/" + rest.dropFirst("gs://".count)) }
    if lower.hasPrefix("s3://") { return try http("https://s3.amazonaws.com/" + rest.dropFirst("s3://".count)) }
    let scheme = rest.range(of: "://").map { String(rest[..<$0.lowerBound]) + "://" } ?? "no scheme"
    throw ConnectomeError.argument(
        "cannot open '\(url)': \(scheme) is not a supported store",
        hint: "use file://, http://, https://, gs://bucket/path or s3://bucket/path (optionally after precomputed://)")
}
