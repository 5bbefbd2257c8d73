/// A dataset's annotation table read from Seatable: crantpy's 30 fields, cached for 2 hours.
///
/// What `neurons` and `annotations` call for CRANT (`read` has the shape `NeuronSource.annotations`
/// asks for); the cache is the kernel's, shared by every source that reads the same table.
public struct SeatableAnnotations: Sendable {
    public let client: SeatableClient
    public let cache: AnnotationTableCache
    public let fields: [String]

    public init(client: SeatableClient, cache: AnnotationTableCache, fields: [String] = AnnotationFields.all) {
        self.client = client
        self.cache = cache
        self.fields = fields
    }

    /// The cache key of the table.
    public var key: String { client.table.description }

    /// The annotation table: the cached one if younger than 2 hours, else read again.
    public func read() async throws -> DataTable {
        let client = self.client, fields = self.fields
        return try await cache.table(key) { try await client.readAll(fields: fields) }
    }

    /// Forgets the cached table, so that the next `read` asks Seatable (`clear_cache=true`).
    public func clearCache() { cache.clear(key) }
}
