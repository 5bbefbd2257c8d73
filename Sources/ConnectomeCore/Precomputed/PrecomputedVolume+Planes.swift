import Foundation
import ImageCodecs

/// Fetching and decoding single z-planes of chunks: the one path every read goes through.
extension PrecomputedVolume {
    struct PlaneRequest: Hashable, Sendable {
        var chunk: ChunkIndex
        /// Absolute z of the plane.
        var z: Int
    }

    struct PlaneResult: Sendable {
        /// The plane's pixels (`box.width × box.height`, channels interleaved), nil when the chunk is missing.
        var plane: [UInt8]?
        var fromCache: Bool
        var bytesFetched: Int
        /// Seconds the store took to answer for this chunk (0 from the cache), for the slow-read log.
        var readSeconds = 0.0
    }

    /// What a read needs to know about a scale, worked out once per read.
    struct ScaleContext: Sendable {
        var mip: Int
        var scale: PrecomputedScale
        var grid: ChunkGrid
        var channels: Int
        var dataType: VoxelDataType
        /// Raw chunk files are plain (not gzip), so a plane can be range-read.
        var rangeReadable: Bool
        var minishards: [ShardSlot: MinishardIndex]

        var pixelBytes: Int { channels * dataType.itemSize }
    }

    struct ShardSlot: Hashable, Sendable {
        var shard: UInt64
        var minishard: UInt64
    }

    /// Runs `requests` concurrently (at most `window` in flight) and hands each result to `body` as it lands.
    func fetchPlanes(mip: Int, requests: [PlaneRequest], progress: (@Sendable (Int, Int) -> Void)?,
                     body: (PlaneRequest, PlaneResult) throws -> Void) async throws {
        let context = try await makeContext(mip: mip, requests: requests)
        let window = 128
        try await WorkerPool.withChildTasks {
            try await withThrowingTaskGroup(of: (PlaneRequest, PlaneResult).self) { group in
                var next = 0
                var done = 0
                func launch() {
                    let request = requests[next]
                    next += 1
                    group.addTask { (request, try await self.plane(request, context)) }
                }
                while next < min(window, requests.count) { launch() }
                var slow = SlowReads()
                defer { slow.log(volume: url, mip: mip, of: requests.count) }
                while let (request, result) = try await group.next() {
                    slow.note(result.readSeconds, chunk: request.chunk)
                    try body(request, result)
                    done += 1
                    progress?(done, requests.count)
                    if next < requests.count { launch() }
                }
            }
        }
    }

    private func makeContext(mip: Int, requests: [PlaneRequest]) async throws -> ScaleContext {
        let scale = try readableScale(mip: mip)
        var context = ScaleContext(mip: mip, scale: scale, grid: scale.grid, channels: info.numChannels,
                                   dataType: info.dataType, rangeReadable: false, minishards: [:])
        if let sharding = scale.sharding {
            context.minishards = try await minishardIndexes(for: requests, context: context, sharding: sharding)
        } else if scale.encoding == .raw && context.channels == 1 {
            context.rangeReadable = try await rawChunksArePlain(mip: mip, requests: requests, context: context)
        }
        return context
    }

    /// Whether raw chunk files of `mip` are stored plain: two bytes of one existing chunk tell.
    ///
    /// A store that keeps chunks gzip-compressed without saying so (a static server without
    /// `Content-Encoding`) cannot serve a plane by range; those chunks are fetched whole and gunzipped.
    private func rawChunksArePlain(mip: Int, requests: [PlaneRequest], context: ScaleContext) async throws -> Bool {
        if let known = rawStoredGzip.withLock({ $0[mip] }) { return !known }
        var probed = 0
        for request in requests where probed < 4 {
            if let cache, cache.value(for: planeKey(request, mip)) != nil { continue }
            probed += 1
            let name = key(context.scale, context.grid.name(request.chunk))
            guard let head = try await store.read(name, range: 0..<2) else { continue }
            let gzip = head.count == 2 && head[head.startIndex] == 0x1f && head[head.startIndex + 1] == 0x8b
            rawStoredGzip.withLock { $0[mip] = gzip }
            return !gzip
        }
        return true
    }

    private func minishardIndexes(for requests: [PlaneRequest], context: ScaleContext,
                                  sharding: ShardingSpec) async throws -> [ShardSlot: MinishardIndex] {
        var slots = Set<ShardSlot>()
        for request in requests {
            let location = sharding.location(of: context.grid.compressedMortonCode(request.chunk))
            slots.insert(ShardSlot(shard: location.shard, minishard: location.minishard))
        }
        return try await WorkerPool.withChildTasks {
            try await withThrowingTaskGroup(of: (ShardSlot, MinishardIndex).self) { group in
                for slot in slots {
                    group.addTask { (slot, try await self.minishardIndex(slot, context: context, sharding: sharding)) }
                }
                var result: [ShardSlot: MinishardIndex] = [:]
                for try await (slot, index) in group { result[slot] = index }
                return result
            }
        }
    }

    private func minishardIndex(_ slot: ShardSlot, context: ScaleContext, sharding: ShardingSpec) async throws -> MinishardIndex {
        let cacheKey = ChunkCache.Key(volume: url, mip: context.mip,
                                      part: .minishardIndex(shard: slot.shard, minishard: slot.minishard))
        if let cache, case .minishard(let index) = cache.value(for: cacheKey) { return index }
        let index = try await sharding.readMinishardIndex(
            store: store, shardKey: key(context.scale, sharding.shardFileName(slot.shard)), minishard: slot.minishard,
            storeURL: url)
        cache?.insert(.minishard(index), for: cacheKey)
        return index
    }

    func planeKey(_ request: PlaneRequest, _ mip: Int) -> ChunkCache.Key {
        ChunkCache.Key(volume: url, mip: mip, part: .plane(request.chunk, z: request.z))
    }

    /// One plane: from the plane cache, else decoded from a cached encoded chunk, else fetched.
    func plane(_ request: PlaneRequest, _ context: ScaleContext) async throws -> PlaneResult {
        let planeKey = planeKey(request, context.mip)
        let chunkKey = ChunkCache.Key(volume: url, mip: context.mip, part: .chunk(request.chunk))
        if let cache {
            switch cache.value(for: planeKey) {
            case .bytes(let plane): return PlaneResult(plane: plane, fromCache: true, bytesFetched: 0)
            case .missing: return PlaneResult(plane: nil, fromCache: true, bytesFetched: 0)
            default: break
            }
            if let encoded = cache.data(for: chunkKey) {
                let plane = try decodePlane(encoded, request, context)
                cache.insert(.bytes(plane), for: planeKey)
                return PlaneResult(plane: plane, fromCache: true, bytesFetched: 0)
            }
        }
        let box = context.grid.box(request.chunk)
        let planeBytes = box.width * box.height * context.pixelBytes
        let chunkBytes = box.voxelCount * context.pixelBytes
        let planeOffset = (request.z - box.z.lowerBound) * planeBytes
        let scale = context.scale

        // Where the chunk's bytes are: a file of its own, or a range of a shard file.
        let fileKey: String
        var chunkRange: Range<Int>?
        var storedGzip = false
        if let sharding = scale.sharding {
            let chunkID = context.grid.compressedMortonCode(request.chunk)
            let location = sharding.location(of: chunkID)
            let slot = ShardSlot(shard: location.shard, minishard: location.minishard)
            guard let range = context.minishards[slot]?.range(of: chunkID) else {
                cache?.insert(.missing, for: planeKey)
                return PlaneResult(plane: nil, fromCache: false, bytesFetched: 0)
            }
            fileKey = key(scale, sharding.shardFileName(location.shard))
            // Checked before the request: a corrupt index must not make the kernel fetch gigabytes.
            let allowed = DataLimits.maxEncodedBytes(decoded: chunkBytes)
            guard range.count <= allowed else {
                throw ConnectomeError.outOfRange(
                    "\(url)/\(fileKey)", field: "the minishard index entry of chunk \(request.chunk) (id \(chunkID))",
                    value: "the byte range \(range.lowerBound)..<\(range.upperBound) (\(range.count) bytes)",
                    allowed: "at most \(allowed) bytes for a \(box.width) × \(box.height) × \(box.depth) chunk of \(context.pixelBytes)-byte voxels",
                    hint: "The shard file is damaged or the sharding spec does not match it")
            }
            chunkRange = range
            storedGzip = sharding.dataEncoding == .gzip
        } else {
            fileKey = key(scale, context.grid.name(request.chunk))
        }

        // Raw, single channel, not gzip: one contiguous run of bytes is the plane.
        let planeOnly = scale.encoding == .raw && context.channels == 1 && !storedGzip
            && (scale.sharding != nil ? chunkRange!.count == chunkBytes : context.rangeReadable)
        if planeOnly {
            let base = chunkRange?.lowerBound ?? 0
            let range = (base + planeOffset)..<(base + planeOffset + planeBytes)
            let (read, seconds) = try await timedRead(fileKey, range: range)
            guard let data = read else {
                cache?.insert(.missing, for: planeKey)
                return PlaneResult(plane: nil, fromCache: false, bytesFetched: 0, readSeconds: seconds)
            }
            guard data.count == planeBytes else {
                throw ConnectomeError.data(
                    "raw chunk \(url)/\(fileKey) ended early: bytes \(range) of the \(box.width) × \(box.height) × \(box.depth) chunk (\(chunkBytes) bytes) came back as \(data.count)",
                    hint: "The chunk file is truncated or the info's chunk size does not match it")
            }
            let plane = [UInt8](data)
            cache?.insert(.bytes(plane), for: planeKey)
            return PlaneResult(plane: plane, fromCache: false, bytesFetched: data.count, readSeconds: seconds)
        }

        let (read, seconds) = try await timedRead(fileKey, range: chunkRange)
        guard var data = read else {
            cache?.insert(.missing, for: planeKey)
            return PlaneResult(plane: nil, fromCache: false, bytesFetched: 0, readSeconds: seconds)
        }
        let fetched = data.count
        if let chunkRange, data.count != chunkRange.count {
            throw ConnectomeError.data("shard \(url)/\(fileKey) ends inside chunk \(request.chunk) (bytes \(chunkRange))")
        }
        let looksGzip = data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
        if storedGzip || (looksGzip && !(scale.encoding == .raw && data.count == chunkBytes)) {
            // Inflating stops at what the chunk can hold: its raw bytes, or the encoded bound.
            let holds = "a \(box.width) × \(box.height) × \(box.depth) \(scale.encoding) chunk of \(context.pixelBytes)-byte voxels"
            data = try gunzip(data, what: "chunk \(request.chunk) at \(url)/\(fileKey)",
                              maximumBytes: scale.encoding == .raw ? chunkBytes : DataLimits.maxEncodedBytes(decoded: chunkBytes),
                              holds: holds)
        }
        let plane = try decodePlane(data, request, context, source: fileKey)
        if let cache {
            cache.insert(.data(data), for: chunkKey)
            cache.insert(.bytes(plane), for: planeKey)
        }
        return PlaneResult(plane: plane, fromCache: false, bytesFetched: fetched, readSeconds: seconds)
    }

    /// Inflates `data` up to `maximumBytes` (what `holds` can hold); see `gunzipStoredObject`.
    func gunzip(_ data: Data, what: String, maximumBytes: Int, holds: String) throws -> Data {
        try gunzipStoredObject(data, what: what, maximumBytes: maximumBytes, holds: holds)
    }
}
