/// How CATMAID code turns a URL plus credentials into a store.
///
/// The kernel passes `.standard(transport:)` with its libcurl transport; tests pass in-memory or
/// canned stores. Keeping this a value lets one `StackReader` serve `file://` and `http://` alike.
public struct CatmaidStoreOpener: Sendable {
    public typealias Open = @Sendable (_ url: String, _ authorization: HTTPAuthorization?,
                                       _ headers: [String: String]) throws -> any KeyValueStore
    private let open: Open

    public init(_ open: @escaping Open) {
        self.open = open
    }

    /// The store at `url`. A `query` (CATMAID tile extensions such as `jpg?v=2` carry one) is added
    /// to every URL an HTTP store requests, so that its reads keep the store's own handling of
    /// statuses, content encodings and hints; stores without URLs (files, memory) ignore it.
    public func store(url: String, authorization: HTTPAuthorization? = nil,
                      headers: [String: String] = [:], query: String? = nil) throws -> any KeyValueStore {
        let store = try open(url, authorization, headers)
        guard let query, var http = store as? HTTPStore else { return store }
        http.query = query
        return http
    }

    /// `file://` directories and `http(s)://` servers (through `transport`), as `openStore` opens them,
    /// plus extra headers (the API token) for HTTP.
    public static func standard(transport: (any HTTPTransport)?) -> CatmaidStoreOpener {
        CatmaidStoreOpener { url, authorization, headers in
            let lower = url.lowercased()
            if let transport, lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                return try HTTPStore(url: url, transport: transport, authorization: authorization, headers: headers)
            }
            return try openStore(url: url, transport: transport, authorization: authorization)
        }
    }
}
