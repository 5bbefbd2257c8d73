import Foundation
import ImageCodecs
import TestSupport
import Testing
@testable import ConnectomeCore

/// Writes `neuroglancer_uint64_sharded_v1` shard files for a set of objects (tests only): data
/// first, then the minishard indexes, delta-coded as the format says.
enum ShardWriter {
    static func shards(_ objects: [UInt64: Data], spec: ShardingSpec) -> [String: Data] {
        var byShard: [UInt64: [UInt64: [(UInt64, Data)]]] = [:]
        for (id, data) in objects {
            let location = spec.location(of: id)
            byShard[location.shard, default: [:]][location.minishard, default: []].append((id, data))
        }
        var files: [String: Data] = [:]
        for (shard, minishards) in byShard {
            var body = Data()
            var index = [UInt64](repeating: 0, count: 2 << spec.minishardBits)
            var minishardBlobs: [(UInt64, Data)] = []
            for minishard in minishards.keys.sorted() {
                let entries = minishards[minishard]!.sorted { $0.0 < $1.0 }
                var ids: [UInt64] = [], starts: [UInt64] = [], sizes: [UInt64] = []
                var previousID: UInt64 = 0, previousEnd: UInt64 = 0
                for (id, data) in entries {
                    let stored = spec.dataEncoding == .gzip ? Gzip.compress(data) : data
                    let start = UInt64(body.count)
                    body.append(stored)
                    ids.append(id - previousID)
                    starts.append(start - previousEnd)
                    sizes.append(UInt64(stored.count))
                    previousID = id
                    previousEnd = start + UInt64(stored.count)
                }
                var table = Data()
                for value in ids + starts + sizes { withUnsafeBytes(of: value.littleEndian) { table.append(contentsOf: $0) } }
                minishardBlobs.append((minishard, spec.minishardIndexEncoding == .gzip ? Gzip.compress(table) : table))
            }
            for (minishard, blob) in minishardBlobs {
                index[Int(minishard) * 2] = UInt64(body.count)
                body.append(blob)
                index[Int(minishard) * 2 + 1] = UInt64(body.count)
            }
            var file = Data()
            for value in index { withUnsafeBytes(of: value.littleEndian) { file.append(contentsOf: $0) } }
            file.append(body)
            files[spec.shardFileName(shard)] = file
        }
        return files
    }
}

@Suite struct SkeletonSourceTests {
    static func skeleton(_ seed: Int) throws -> Skeleton {
        let n = 3 + seed % 5
        return try Skeleton(parents: (0..<n).map { $0 - 1 }, x: (0..<n).map { Float($0 * 10 + seed) },
                            y: [Float](repeating: Float(seed), count: n), z: [Float](repeating: 0, count: n),
                            radius: [Float](repeating: 4, count: n))
    }

    static let ids: [UInt64] = [1, 2, 3, 17, 1 << 40, 0x0800_0000_1234_5678, UInt64.max - 1]

    @Test func unshardedFilesBesideInfo() async throws {
        let store = MemoryStore(name: "seg")
        let info = SkeletonInfo()
        try store.put("skeletons/info", info.json.serialized())
        for (seed, id) in Self.ids.enumerated() {
            try store.put("skeletons/\(id)", try PrecomputedSkeleton.encode(try Self.skeleton(seed), info: info))
        }
        let source = try await SkeletonSource.open(store: store, directory: "skeletons/", cache: nil)
        for (seed, id) in Self.ids.enumerated() {
            let skeleton = try await source.skeleton(SegmentID(id))
            let expected = try Self.skeleton(seed)
            #expect(skeleton.segmentID == SegmentID(id))
            #expect(skeleton.x == expected.x && skeleton.parents == expected.parents)
        }
        do {
            _ = try await source.skeleton(SegmentID(99))
            Issue.record("found a skeleton that is not there")
        } catch let error as ConnectomeError {
            #expect(error.kind == .argument && error.message.contains("no skeleton for segment 99"), "\(error)")
        }
    }

    @Test(arguments: [
        ShardingSpec(preshiftBits: 0, hash: .identity, minishardBits: 2, shardBits: 1),
        ShardingSpec(preshiftBits: 1, hash: .murmurhash3_x86_128, minishardBits: 3, shardBits: 2,
                     minishardIndexEncoding: .gzip, dataEncoding: .gzip),
        ShardingSpec(preshiftBits: 0, hash: .murmurhash3_x86_128, minishardBits: 0, shardBits: 0, dataEncoding: .gzip),
    ])
    func shardedSources(spec: ShardingSpec) async throws {
        let info = SkeletonInfo(sharding: spec)
        var objects: [UInt64: Data] = [:]
        for (seed, id) in Self.ids.enumerated() { objects[id] = try PrecomputedSkeleton.encode(try Self.skeleton(seed), info: info) }
        let store = MemoryStore(name: "sharded")
        try store.put("info", info.json.serialized())
        for (name, data) in ShardWriter.shards(objects, spec: spec) { try store.put(name, data) }
        let counting = CountingStore(store)
        let cache = ChunkCache(capacityBytes: 1 << 20)
        let source = try await SkeletonSource.open(store: counting, cache: cache)
        #expect(source.info.sharding == spec)
        for (seed, id) in Self.ids.enumerated() {
            let skeleton = try await source.skeleton(SegmentID(id))
            let expected = try Self.skeleton(seed)
            #expect(skeleton.x == expected.x, "id \(id)")
        }
        #expect(try await source.data(for: SegmentID(5)) == nil)
        // The second time round, minishard indexes come from the cache: one read per skeleton.
        counting.reset()
        for id in Self.ids { _ = try await source.skeleton(SegmentID(id)) }
        #expect(counting.requests.count == Self.ids.count, "\(counting.requests)")
    }

    @Test func segmentationNamesItsSkeletons() async throws {
        let directory = try TemporaryDirectory(prefix: "ck-skeleton-source")
        defer { directory.remove() }
        var segmentation = VolumeFixture.info(type: .segmentation, dataType: .uint64, size: [8, 8, 8], chunk: [8, 8, 8])
        segmentation.skeletons = "skel"
        let info = SkeletonInfo()
        try directory.write(["seg/info": segmentation.json.serialized(), "seg/skel/info": info.json.serialized(),
                             "seg/skel/5": try PrecomputedSkeleton.encode(try Self.skeleton(5), info: info)])
        let volume = try await PrecomputedVolume.open(url: "precomputed://file://\(directory.path)/seg", transport: nil,
                                                      cache: nil, infoCache: nil)
        let source = try #require(try await SkeletonSource.open(segmentation: volume, cache: nil))
        #expect(source.url.hasSuffix("/seg/skel"))
        let expected = try Self.skeleton(5)
        #expect(try await source.skeleton(SegmentID(5)).nodeCount == expected.nodeCount)
        // A URL straight at the skeleton directory works too; a wrong one names what is missing.
        let direct = try await SkeletonSource.open(url: "precomputed://file://\(directory.path)/seg/skel", transport: nil, cache: nil)
        #expect(direct.info == info)
        await #expect(throws: ConnectomeError.self) {
            _ = try await SkeletonSource.open(url: "file://\(directory.path)/seg/nothing", transport: nil, cache: nil)
        }
    }
}
