import Foundation
import Testing
@testable import ConnectomeCore

@Suite struct ChunkCacheTests {
    func key(_ i: Int) -> ChunkCache.Key {
        ChunkCache.Key(volume: "memory://v", mip: 0, part: .plane(ChunkIndex(i, 0, 0), z: 0))
    }

    @Test func evictsLeastRecentlyUsedByBytes() {
        let cache = ChunkCache(capacityBytes: 1000)
        for i in 0..<4 { cache.insert(.bytes([UInt8](repeating: UInt8(i), count: 300)), for: key(i)) }
        // 4 × 300 > 1000: the oldest went.
        #expect(cache.bytes(for: key(0)) == nil)
        #expect(cache.stats.entries == 3 && cache.stats.bytes == 900)
        _ = cache.bytes(for: key(1))  // now 2 is the least recently used
        cache.insert(.bytes([UInt8](repeating: 9, count: 300)), for: key(9))
        #expect(cache.bytes(for: key(2)) == nil)
        #expect(cache.bytes(for: key(1)) == [UInt8](repeating: 1, count: 300))
        #expect(cache.bytes(for: key(9)) != nil)
    }

    @Test func shrinkingTheCapacityEvictsAndTooBigValuesAreNotKept() {
        let cache = ChunkCache(capacityBytes: 1000)
        for i in 0..<3 { cache.insert(.bytes([UInt8](repeating: 0, count: 300)), for: key(i)) }
        cache.capacityBytes = 400
        #expect(cache.stats.entries == 1 && cache.stats.bytes == 300)
        #expect(cache.bytes(for: key(2)) != nil)
        cache.insert(.bytes([UInt8](repeating: 0, count: 500)), for: key(7))
        #expect(cache.bytes(for: key(7)) == nil)
        #expect(cache.stats.entries == 1)
    }

    @Test func replacingAKeyKeepsTheByteCountRight() {
        let cache = ChunkCache(capacityBytes: 1000)
        cache.insert(.bytes([UInt8](repeating: 0, count: 300)), for: key(1))
        cache.insert(.bytes([UInt8](repeating: 0, count: 100)), for: key(1))
        #expect(cache.stats.bytes == 100 && cache.stats.entries == 1)
    }

    @Test func clearDropsEverythingAndCountsHitsAndMisses() {
        let cache = ChunkCache(capacityBytes: 1000)
        cache.insert(.bytes([1, 2, 3]), for: key(1))
        _ = cache.bytes(for: key(1))
        _ = cache.bytes(for: key(2))
        #expect(cache.stats.hits == 1 && cache.stats.misses == 1)
        cache.clear()
        #expect(cache.stats == ChunkCache.Stats(entries: 0, bytes: 0, capacityBytes: 1000, hits: 0, misses: 0))
        let infos = InfoCache()
        infos.store(PrecomputedVolumeTests.info, for: "memory://v")
        #expect(infos.info(for: "memory://v") != nil && infos.count == 1)
        infos.clear()
        #expect(infos.count == 0)
    }
}
