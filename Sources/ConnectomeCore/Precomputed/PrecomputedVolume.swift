import Foundation
import Synchronization

/// A neuroglancer precomputed volume opened for reading sections and single voxels.
///
/// Reads fetch only what a section needs: one z-plane of each unsharded raw chunk by a byte-range
/// request, the needed rows of each jpeg chunk, the needed plane of each compressed_segmentation
/// chunk. Chunks are fetched concurrently and decoded on the cooperative pool as they arrive.
/// Missing chunks read as 0 and are counted, never thrown.
public final class PrecomputedVolume: Sendable {
    /// The store's base URL: where `info` lives, and the cache's name for this volume.
    public let url: String
    public let store: any KeyValueStore
    public let info: PrecomputedInfo
    /// Where decoded planes and encoded chunks are kept between reads; nil reads without caching.
    public let cache: ChunkCache?
    /// Per mip: whether raw chunk files turned out to be stored gzip-compressed (no range reads then).
    let rawStoredGzip = Mutex<[Int: Bool]>([:])

    /// `cache` is the caller's (the kernel's, sized by its memory budget), never a hidden
    /// process-wide one: two kernels or two tests never share or clear each other's chunks.
    public init(store: any KeyValueStore, info: PrecomputedInfo, cache: ChunkCache?) {
        self.store = store
        self.url = store.baseURL
        self.info = info
        self.cache = cache
    }

    /// Fetches and parses the volume's `info` (or takes it from `infoCache`).
    public static func open(store: any KeyValueStore, cache: ChunkCache?,
                            infoCache: InfoCache?) async throws -> PrecomputedVolume {
        if let known = infoCache?.info(for: store.baseURL) {
            return PrecomputedVolume(store: store, info: known, cache: cache)
        }
        guard let data = try await store.read("info") else {
            throw ConnectomeError.argument(
                "no precomputed volume at \(store.baseURL): \(store.baseURL)/info does not exist",
                hint: "Check the URL; it must name the directory that holds the volume's info file")
        }
        let info = try PrecomputedInfo.parse(data, source: store.baseURL + "/info")
        infoCache?.store(info, for: store.baseURL)
        return PrecomputedVolume(store: store, info: info, cache: cache)
    }

    /// Opens a volume by URL as users write it (`precomputed://gs://…`, `https://…`, `file:///…`).
    public static func open(url: String, transport: (any HTTPTransport)?, authorization: HTTPAuthorization? = nil,
                            cache: ChunkCache?, infoCache: InfoCache?) async throws -> PrecomputedVolume {
        let store = try openStore(url: url, transport: transport, authorization: authorization)
        return try await open(store: store, cache: cache, infoCache: infoCache)
    }

    /// The store key of `name` inside a scale's directory (the key may contain `/`, `.` and `..`).
    func key(_ scale: PrecomputedScale, _ name: String) -> String {
        var parts: [Substring] = []
        for part in (scale.key + "/" + name).split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// Throws `unsupported` for scales whose encoding the reader does not decode.
    func readableScale(mip: Int) throws -> PrecomputedScale {
        let scale = try info.scale(mip: mip)
        if case .unsupported(let name) = scale.encoding {
            throw ConnectomeError.unsupported(
                "mip \(mip) of \(url) uses the \"\(name)\" encoding, which this kernel does not decode",
                hint: "Readable encodings are raw, jpeg, png and compressed_segmentation; try another mip")
        }
        return scale
    }
}
