/// The sizes the CAVE client sends and accepts, in one place.
///
/// Batch sizes follow crantpy and CAVEclient (is_latest_roots in batches of 100,000, supervoxel
/// roots for ID updates in batches of 10,000); the response limits sit far above real answers (a
/// root of CRANT has up to a few million supervoxels) and low enough that no server can make the
/// kernel hold more than a few hundred MiB for one call.
public enum CaveLimits {
    /// IDs per `is_latest_roots` request (crantpy's batch size).
    public static let isLatestBatch = 100_000
    /// Supervoxels per `roots_binary` request: 800 KB of body.
    public static let rootsBatch = 100_000
    /// Supervoxels per `roots_binary` request while updating IDs (crantpy's batch size).
    public static let updateSupervoxelBatch = 10_000
    /// IDs one command may ask about: 10 million (80 MB of IDs, 100 batches).
    public static let maxIDs = 10_000_000
    /// Stale IDs one `update` resolves through their leaves (one leaves call each).
    public static let maxLeafUpdates = 10_000
    /// Leaves of one node: 50 million (a whole large neuron's supervoxels are a few million).
    public static let maxLeaves = 50_000_000
    /// Bytes of one JSON answer: 1 GiB (50 million IDs written as 20 digits).
    public static let maxJSONBytes = 1 << 30
    /// Bytes of a datastack description (a few KB in practice).
    public static let maxInfoBytes = 1 << 20
    /// Bytes of a secret file and of a token.
    public static let maxSecretFileBytes = 64 << 10
    public static let maxTokenBytes = 4096
    /// Bodies at least this large go out gzip-compressed (`Content-Encoding: gzip`), as CAVEclient does.
    public static let gzipRequestBytes = 1 << 16
    /// Requests of one command in flight at once.
    public static let concurrentRequests = 4
    /// Root IDs in one materialization query's `filter_in_dict` list: 10,000 IDs are 200 KB of body.
    /// A batch whose answer hits the server's row limit is split in halves and asked again.
    public static let materializationIDBatch = 10_000
    /// The materialization service's row limit (MaterializationEngine `QUERY_LIMIT_SIZE`): an answer
    /// of exactly this many rows is treated as limited even without the server's `Warning` header.
    public static let materializationRowLimit = 200_000
    /// Bytes of one materialization answer (200,000 rows of a synapse table are about 40 MB).
    public static let maxQueryBytes = 1 << 30
    /// Rows of one synapse command, over all its batches: 20 million.
    public static let maxQueryRows = 20_000_000
    /// Materialization versions a datastack lists (a few hundred in practice).
    public static let maxVersions = 100_000
    /// Unix seconds accepted in a timestamp: 1970 to 2100.
    public static let unixSecondsRange: ClosedRange<Double> = 0...4_102_444_800
}
