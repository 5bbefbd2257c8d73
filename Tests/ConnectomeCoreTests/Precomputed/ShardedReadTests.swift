import Foundation
import Testing
@testable import ConnectomeCore

/// Sharded volumes written by TensorStore (PeerVectors.sharded), read back voxel for voxel.
@Suite struct ShardedReadTests {
    func volume(_ name: String) async throws -> (PrecomputedVolume, CountingStore) {
        let files = PeerVectors.sharded.first { $0.0 == name }!.1
        let store = MemoryStore(name: name)
        for (key, base64) in files { try store.put(key, Data(base64Encoded: base64)!) }
        let counting = CountingStore(store)
        return (try await PrecomputedVolume.open(store: counting, cache: ChunkCache(capacityBytes: 1 << 20), infoCache: nil),
                counting)
    }

    @Test(arguments: ["image_murmur_gzip", "image_identity_raw"])
    func shardedRawImage(name: String) async throws {
        let (volume, _) = try await volume(name)
        #expect(volume.info.scales[0].sharding != nil)
        for z in 0..<10 {
            let read = try await volume.readSection(mip: 0, x: 0..<40, y: 0..<36, z: z)
            let unwritten = name == "image_murmur_gzip" && z >= 8
            for y in 0..<36 {
                for x in 0..<40 {
                    let expected = unwritten ? 0 : UInt64(VolumeFixture.voxel(x, y, z))
                    guard read.section.value(column: x, row: y) == expected else {
                        Issue.record("\(name) voxel (\(x), \(y), \(z)) is \(read.section.value(column: x, row: y)), expected \(expected)")
                        return
                    }
                }
            }
            #expect(read.chunksTotal == 9)
            #expect(read.chunksMissing == (unwritten ? 9 : 0))
        }
    }

    @Test func shardedRawReadsOnlyThePlane() async throws {
        let (volume, store) = try await volume("image_identity_raw")
        _ = try await volume.readSection(mip: 0, x: 0..<16, y: 0..<16, z: 3)
        let dataReads = store.requests.filter { $0.0.hasSuffix(".shard") }.compactMap(\.1).filter { $0.count == 256 }
        #expect(dataReads.count == 1, "\(store.requests)")
    }

    @Test func shardedCompressedSegmentationWithOffset() async throws {
        let (volume, _) = try await volume("seg_identity_cseg")
        for z in [2, 6, 11] {
            let read = try await volume.readSection(mip: 0, x: 3..<43, y: 5..<41, z: z)
            for y in 5..<41 {
                for x in 3..<43 {
                    let expected = 0x0800_0000_1000_0000 + UInt64((x - 3) / 5 + 10 * ((y - 5) / 6) + 100 * ((z - 2) / 3))
                    guard read.section.value(column: x - 3, row: y - 5) == expected else {
                        Issue.record("voxel (\(x), \(y), \(z)) is \(read.section.value(column: x - 3, row: y - 5)), expected \(expected)")
                        return
                    }
                }
            }
        }
        let values = try await volume.readValues(mip: 0, points: [(3, 5, 2), (42, 40, 11), (0, 0, 0)])
        #expect(values == [0x0800_0000_1000_0000, 0x0800_0000_1000_0000 + 7 + 50 + 300, 0])
    }
}
