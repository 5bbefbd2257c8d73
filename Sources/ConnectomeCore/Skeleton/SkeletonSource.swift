import Foundation

/// A neuroglancer precomputed skeleton source opened for reading skeletons by segment ID.
///
/// Unsharded sources keep one file per segment, named by the decimal ID beside `info`; sharded
/// ones keep them in shard files keyed by the segment ID itself (no Morton code, unlike volume
/// chunks), read through the same shard index code as volumes. Parsed minishard indexes are kept
/// in the chunk cache, so a second skeleton from the same shard costs one range request.
public final class SkeletonSource: Sendable {
    /// The source's URL as the user gave it (messages, cache keys).
    public let url: String
    public let store: any KeyValueStore
    /// Key prefix of the source inside `store` ("" when the store is the source's own directory).
    public let directory: String
    public let info: SkeletonInfo
    public let cache: ChunkCache?

    public init(store: any KeyValueStore, directory: String = "", info: SkeletonInfo, cache: ChunkCache?) {
        self.store = store
        self.directory = Self.normalise(directory)
        self.url = self.directory.isEmpty ? store.baseURL : store.baseURL + "/" + self.directory
        self.info = info
        self.cache = cache
    }

    /// Reads `info` under `directory` of `store`; a missing info is an `ArgumentError` naming the URL.
    public static func open(store: any KeyValueStore, directory: String = "", cache: ChunkCache?) async throws -> SkeletonSource {
        let prefix = normalise(directory)
        let infoKey = prefix.isEmpty ? "info" : prefix + "/info"
        let where_ = prefix.isEmpty ? store.baseURL : store.baseURL + "/" + prefix
        guard let data = try await store.read(infoKey) else {
            throw ConnectomeError.argument("no skeleton source at \(where_): \(where_)/info does not exist",
                                           hint: "Give the directory that holds the skeletons' info file (the segmentation's \"skeletons\" entry)")
        }
        let info = try SkeletonInfo.parse(data, source: where_ + "/info")
        return SkeletonSource(store: store, directory: prefix, info: info, cache: cache)
    }

    /// Opens a source by URL as users write it (`precomputed://gs://…/skeletons`, `file:///…`).
    public static func open(url: String, transport: (any HTTPTransport)?, authorization: HTTPAuthorization? = nil,
                            cache: ChunkCache?) async throws -> SkeletonSource {
        try await open(store: try openStore(url: url, transport: transport, authorization: authorization), cache: cache)
    }

    /// The skeleton source a segmentation's info names in `skeletons`; nil when it names none.
    public static func open(segmentation volume: PrecomputedVolume, cache: ChunkCache?) async throws -> SkeletonSource? {
        guard let directory = volume.info.skeletons else { return nil }
        return try await open(store: volume.store, directory: directory, cache: cache)
    }

    /// The skeleton of `id`; a source without one is an `ArgumentError` naming the ID and the source.
    public func skeleton(_ id: SegmentID) async throws -> Skeleton {
        guard let bytes = try await data(for: id) else {
            throw ConnectomeError.argument("the skeleton source \(url) has no skeleton for segment \(id)",
                                           hint: "Check the ID (a root ID of this dataset), or use another skeleton source")
        }
        return try PrecomputedSkeleton.decode(bytes: bytes, info: info, segmentID: id, source: "skeleton \(id) at \(url)")
    }

    /// The stored blob of `id`, or nil when the source has none.
    public func data(for id: SegmentID) async throws -> Data? {
        guard let sharding = info.sharding else {
            return try await store.read(key(String(id.rawValue)))
        }
        return try await sharding.readObject(id.rawValue, store: store, storeURL: url, key: key) { shardKey, minishard in
            let shard = sharding.location(of: id.rawValue).shard
            let cacheKey = ChunkCache.Key(volume: self.url, mip: 0, part: .minishardIndex(shard: shard, minishard: minishard))
            if let cache = self.cache, case .minishard(let index) = cache.value(for: cacheKey) { return index }
            let index = try await sharding.readMinishardIndex(store: self.store, shardKey: shardKey, minishard: minishard,
                                                              storeURL: self.url)
            self.cache?.insert(.minishard(index), for: cacheKey)
            return index
        }
    }

    private func key(_ name: String) -> String { directory.isEmpty ? name : directory + "/" + name }

    /// Without leading and trailing slashes; stores resolve `.` and `..` themselves (see `StorePath`).
    static func normalise(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }
}
