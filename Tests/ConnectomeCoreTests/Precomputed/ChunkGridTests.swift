import Testing
@testable import ConnectomeCore

@Suite struct ChunkGridTests {
    @Test func namesIncludeTheOffsetAndTruncateAtTheEdge() {
        let grid = ChunkGrid(size: [100, 70, 10], voxelOffset: [5, -3, 2], chunkSize: [64, 64, 4])
        #expect(grid.gridSize == [2, 2, 3])
        #expect(grid.name(ChunkIndex(0, 0, 0)) == "5-69_-3-61_2-6")
        #expect(grid.name(ChunkIndex(1, 1, 2)) == "69-105_61-67_10-12")
        #expect(grid.box(ChunkIndex(1, 1, 2)).voxelCount == 36 * 6 * 2)
    }

    @Test func theReferenceExample() {
        let grid = ChunkGrid(size: [2048, 2048, 64], voxelOffset: [0, 0, 0], chunkSize: [64, 64, 64])
        #expect(grid.name(ChunkIndex(1, 0, 0)) == "64-128_0-64_0-64")
        #expect(grid.chunkRange(axis: 0, covering: 512..<1536) == 8..<24)
    }

    @Test func chunkRangesClipToTheVolume() {
        let grid = ChunkGrid(size: [100, 70, 10], voxelOffset: [5, -3, 2], chunkSize: [64, 64, 4])
        #expect(grid.chunkRange(axis: 0, covering: -100..<6) == 0..<1)
        #expect(grid.chunkRange(axis: 0, covering: 69..<1000) == 1..<2)
        #expect(grid.chunkRange(axis: 0, covering: 200..<300) == 0..<0)
        #expect(grid.chunk(containing: (104, 66, 11)) == ChunkIndex(1, 1, 2))
        #expect(grid.chunk(containing: (105, 0, 2)) == nil)
    }

    /// Compressed Morton codes worked out by hand from the spec: bits of x, y, z interleaved
    /// while each axis still needs them.
    @Test func compressedMortonCodes() {
        let grid = ChunkGrid(size: [64 * 4, 64 * 2, 64 * 8], voxelOffset: [0, 0, 0], chunkSize: [64, 64, 64])
        // grid 4 × 2 × 8: bit 0 of x, y, z; bit 1 of x, z; bit 2 of z.
        #expect(grid.compressedMortonCode(ChunkIndex(0, 0, 0)) == 0)
        #expect(grid.compressedMortonCode(ChunkIndex(1, 0, 0)) == 0b1)
        #expect(grid.compressedMortonCode(ChunkIndex(0, 1, 0)) == 0b10)
        #expect(grid.compressedMortonCode(ChunkIndex(0, 0, 1)) == 0b100)
        #expect(grid.compressedMortonCode(ChunkIndex(2, 0, 0)) == 0b1000)
        #expect(grid.compressedMortonCode(ChunkIndex(0, 0, 2)) == 0b10000)
        #expect(grid.compressedMortonCode(ChunkIndex(0, 0, 4)) == 0b100000)
        #expect(grid.compressedMortonCode(ChunkIndex(3, 1, 7)) == 0b111111)
    }

    @Test func shardFileNamesArePaddedHex() {
        let spec = ShardingSpec(preshiftBits: 0, hash: .identity, minishardBits: 2, shardBits: 9)
        #expect(spec.shardFileName(0x1a) == "01a.shard")
        #expect(ShardingSpec(preshiftBits: 0, hash: .identity, minishardBits: 2, shardBits: 0).shardFileName(0) == "0.shard")
        let location = spec.location(of: 0b1_0110_1101)
        #expect(location.minishard == 0b01)
        #expect(location.shard == 0b101_1011)
    }
}
