import Foundation
import ImageCodecs
import JSONModel
import Testing
@testable import ConnectomeCore

/// Corrupt or hostile precomputed data: every number out of range is a `.data` error naming the
/// file, the field and the value, raised before anything large is requested or allocated.
@Suite("Precomputed data out of range")
struct HostileDataTests {
    /// An `info` with one scale whose fields can be overridden as JSON text.
    static func infoJSON(numChannels: String = "1", dataType: String = "uint8", size: String = "[64, 64, 64]",
                         offset: String = "[0, 0, 0]", chunk: String = "[64, 64, 64]", resolution: String = "[8, 8, 40]",
                         encoding: String = "raw", extra: String = "") -> Data {
        Data("""
            {"@type": "neuroglancer_multiscale_volume", "type": "image", "data_type": "\(dataType)",
             "num_channels": \(numChannels),
             "scales": [{"key": "s0", "size": \(size), "voxel_offset": \(offset), "resolution": \(resolution),
                         "chunk_sizes": [\(chunk)], "encoding": "\(encoding)"\(extra)}]}
            """.utf8)
    }

    static func parseError(_ data: Data) -> ConnectomeError? {
        #expect(throws: ConnectomeError.self) { try PrecomputedInfo.parse(data, source: "https://host/vol/info") }
    }

    @Test func aMillionChannelsIsRefusedByName() {
        let error = Self.parseError(Self.infoJSON(numChannels: "1000000"))
        #expect(error?.kind == .data)
        #expect(error?.message.contains("https://host/vol/info") == true)
        #expect(error?.message.contains("num_channels is 1000000") == true)
        #expect(error?.message.contains("1 to 4096") == true)
    }

    @Test func sizeWhoseVoxelCountOverflowsIntIsRefused() {
        // Each axis is within 2^40, but 2^40 · 2^40 · 2^40 voxels (and as many 1-voxel chunks) is no Int.
        let error = Self.parseError(Self.infoJSON(size: "[1099511627776, 1099511627776, 1099511627776]", chunk: "[1, 1, 1]"))
        #expect(error?.kind == .data)
        #expect(error?.message.contains("scales[0].size is [1099511627776,1099511627776,1099511627776]") == true)
        #expect(error?.message.contains("2^60 voxels") == true)
    }

    @Test(arguments: [
        ("size", "[2199023255552, 1, 1]", "scales[0].size is [2199023255552,1,1]"),
        ("size", "[0, 1, 1]", "scales[0].size is [0,1,1]"),
        ("voxel_offset", "[0, -9223372036854775808, 0]", "scales[0].voxel_offset is [0,-9223372036854775808,0]"),
        ("chunk_sizes", "[65536, 1, 1]", "scales[0].chunk_sizes[0] is [65536,1,1]"),
        ("chunk_sizes", "[16384, 16384, 16]", "scales[0].chunk_sizes[0] is [16384,16384,16]"),
    ])
    func outOfRangeFieldsAreNamed(field: String, value: String, expected: String) {
        let data = switch field {
        case "size": Self.infoJSON(size: value)
        case "voxel_offset": Self.infoJSON(offset: value)
        default: Self.infoJSON(chunk: value)
        }
        let error = Self.parseError(data)
        #expect(error?.kind == .data)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
    }

    @Test func aChunkOfMoreThanAGibibyteDecodedIsRefused() {
        // 1024 × 1024 × 256 voxels is within the voxel limit, but × 8 channels × 8 bytes is 16 GiB.
        let error = Self.parseError(Self.infoJSON(numChannels: "8", dataType: "uint64", chunk: "[1024, 1024, 256]"))
        #expect(error?.message.contains("scales[0].chunk_sizes[0] is [1024,1024,256]") == true)
        #expect(error?.message.contains("1 GiB") == true)
    }

    @Test func tooManyScalesAndAbsurdBlockSizesAreRefused() {
        let scale = #"{"key": "s", "size": [1, 1, 1], "resolution": [1, 1, 1], "chunk_sizes": [[1, 1, 1]], "encoding": "raw"}"#
        let many = Data(#"{"type": "image", "data_type": "uint8", "scales": [\#(Array(repeating: scale, count: 65).joined(separator: ","))]}"#.utf8)
        let scales = Self.parseError(many)
        #expect(scales?.message.contains("scales is a list of 65 scales") == true)

        let block = Self.parseError(Self.infoJSON(dataType: "uint32", encoding: "compressed_segmentation",
                                                  extra: #", "compressed_segmentation_block_size": [4294967296, 8, 8]"#))
        #expect(block?.message.contains("scales[0].compressed_segmentation_block_size is [4294967296,8,8]") == true)
    }

    // MARK: - Chunks

    static let rawInfo = VolumeFixture.info(size: [64, 64, 64], chunk: [64, 64, 64])

    @Test func gzipBombChunkIsADataErrorNotTerabytes() async throws {
        // 64 members of 1 MiB of zeros: 64 KiB of gzip that would inflate to 64 MiB, 256 times
        // what the 64³ uint8 chunk holds. Inflating stops just past 262144 bytes.
        let member = Gzip.compress(Data(count: 1 << 20), level: 9)
        let bomb = Data((0..<64).flatMap { _ in member })
        let store = MemoryStore()
        try store.put("info", Self.rawInfo.json.serialized())
        try store.put("s0/0-64_0-64_0-64", bomb)
        let volume = try await PrecomputedVolume.open(store: store, cache: nil, infoCache: nil)
        let error = await #expect(throws: ConnectomeError.self) {
            try await volume.readSection(mip: 0, x: 0..<64, y: 0..<64, z: 0)
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("memory://memory/s0/0-64_0-64_0-64") == true)
        #expect(error?.message.contains("inflate to more than 262144 bytes") == true)
        #expect(error?.message.contains("64 × 64 × 64 raw chunk") == true)
    }

    /// A sharded raw uint8 volume (64³ chunks, one shard `0.shard`, one minishard) whose shard
    /// file is `shard`.
    static func shardedVolume(_ shard: Data) async throws -> (PrecomputedVolume, CountingStore) {
        var info = rawInfo
        info.scales[0].sharding = ShardingSpec(preshiftBits: 0, hash: .identity, minishardBits: 0, shardBits: 0)
        let store = MemoryStore(name: "sharded")
        try store.put("info", info.json.serialized())
        try store.put("s0/0.shard", shard)
        let counting = CountingStore(store)
        return (try await PrecomputedVolume.open(store: counting, cache: nil, infoCache: nil), counting)
    }

    static func littleEndian(_ values: [UInt64]) -> Data {
        Data(values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } })
    }

    @Test func shardIndexWithAHugeMinishardRangeFailsBeforeFetchingIt() async throws {
        // The one shard-index entry claims a minishard index of 2^40 bytes.
        let (volume, store) = try await Self.shardedVolume(Self.littleEndian([0, 1 << 40]))
        let error = await #expect(throws: ConnectomeError.self) {
            try await volume.readSection(mip: 0, x: 0..<64, y: 0..<64, z: 0)
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("memory://sharded/s0/0.shard") == true)
        #expect(error?.message.contains("shard index entry of minishard 0") == true)
        #expect(error?.message.contains("0..<1099511627776") == true)
        #expect(error?.message.contains("64 MiB") == true)
        let ranges = store.requests.compactMap(\.1)
        #expect(ranges == [0..<16], "only the 16-byte shard index entry may be read: \(store.requests)")
    }

    @Test func minishardIndexWithAHugeChunkRangeFailsBeforeFetchingIt() async throws {
        // Shard index: the minishard index is bytes 0..<24 after it; it lists chunk 0 with 2^33 bytes.
        let shard = Self.littleEndian([0, 24]) + Self.littleEndian([0, 0, 1 << 33])
        let (volume, store) = try await Self.shardedVolume(shard)
        let error = await #expect(throws: ConnectomeError.self) {
            try await volume.readSection(mip: 0, x: 0..<64, y: 0..<64, z: 0)
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("memory://sharded/s0/0.shard") == true)
        #expect(error?.message.contains("chunk (0, 0, 0)") == true)
        #expect(error?.message.contains("(8589934592 bytes)") == true)
        #expect(store.requests.allSatisfy { ($0.1?.count ?? 0) <= 24 }, "\(store.requests)")
    }

    // MARK: - Image chunk headers

    static func imageVolume(encoding: PrecomputedEncoding, channels: Int = 1, chunk: Data) async throws -> PrecomputedVolume {
        let info = VolumeFixture.info(channels: channels, size: [64, 64, 1], chunk: [64, 64, 1], encoding: encoding)
        let store = MemoryStore(name: "images")
        try store.put("info", info.json.serialized())
        try store.put("s0/0-64_0-64_0-1", chunk)
        return try await PrecomputedVolume.open(store: store, cache: nil, infoCache: nil)
    }

    static func readError(_ volume: PrecomputedVolume) async -> ConnectomeError? {
        await #expect(throws: ConnectomeError.self) { try await volume.readSection(mip: 0, x: 0..<64, y: 0..<64, z: 0) }
    }

    /// The 8-byte signature and an IHDR chunk: a PNG that ends where its pixels would begin.
    static func pngHeaderOnly(width: UInt32, height: UInt32, colorType: UInt8 = 0) -> Data {
        let body: [UInt8] = Array("IHDR".utf8) + [width, height].flatMap { value in (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
            + [8, colorType, 0, 0, 0]
        let crc = crc32(body)
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + body
            + (0..<4).reversed().map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) })
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test func pngChunkWhoseHeaderDisagreesWithTheBoxFailsBeforeDecoding() async throws {
        // A header claiming 1000000 × 1000000 pixels and no pixel data: only the header is read.
        let huge = try await Self.imageVolume(encoding: .png, chunk: Self.pngHeaderOnly(width: 1_000_000, height: 1_000_000))
        let error = await Self.readError(huge)
        #expect(error?.kind == .data)
        #expect(error?.message.contains("png chunk memory://images/s0/0-64_0-64_0-1") == true)
        #expect(error?.message.contains("header says 1000000 × 1000000 pixels") == true)
        #expect(error?.message.contains("64 × 64 × 1 chunk holds 4096 voxels") == true)

        let small = try PNGCodec.encode(PixelImage(width: 32, height: 32, format: .gray8))
        #expect(await Self.readError(try await Self.imageVolume(encoding: .png, chunk: small))?
            .message.contains("header says 32 × 32 pixels") == true)

        let rgb = Self.pngHeaderOnly(width: 64, height: 64, colorType: 2)
        let channels = await Self.readError(try await Self.imageVolume(encoding: .png, chunk: rgb))
        #expect(channels?.message.contains("header says 3 channel(s)") == true)
        #expect(channels?.message.contains("uint8 with 1 channel(s)") == true)
    }

    @Test func jpegChunkWhoseHeaderDisagreesWithTheBoxIsRefused() async throws {
        let small = try JPEGCodec.encode(PixelImage(width: 32, height: 32, format: .gray8), quality: 90)
        let size = await Self.readError(try await Self.imageVolume(encoding: .jpeg, chunk: small))
        #expect(size?.kind == .data)
        #expect(size?.message.contains("jpeg chunk memory://images/s0/0-64_0-64_0-1") == true)
        #expect(size?.message.contains("header says 32 × 32 pixels") == true)

        let gray = try JPEGCodec.encode(PixelImage(width: 64, height: 64, format: .gray8), quality: 90)
        let channels = await Self.readError(try await Self.imageVolume(encoding: .jpeg, channels: 3, chunk: gray))
        #expect(channels?.message.contains("header says 1 channel(s)") == true)
        #expect(channels?.message.contains("uint8 with 3 channel(s)") == true)
    }

    @Test func compressedSegmentationRefusesAbsurdShapesGivenDirectly() {
        let shape = #expect(throws: ConnectomeError.self) {
            try CompressedSegmentation.decode(Data(count: 64), chunkSize: [1 << 40, 1 << 40, 1], blockSize: [8, 8, 8],
                                              dataType: .uint32)
        }
        #expect(shape?.kind == .data && shape?.message.contains("chunk size [1099511627776, 1099511627776, 1]") == true)
        let block = #expect(throws: ConnectomeError.self) {
            try CompressedSegmentation.decodePlane(Data(count: 64), chunkSize: [8, 8, 8], blockSize: [0, 8, 8],
                                                   dataType: .uint64, z: 0)
        }
        #expect(block?.message.contains("block size [0, 8, 8]") == true)
        let plane = #expect(throws: ConnectomeError.self) {
            try CompressedSegmentation.decodePlane(Data(count: 64), chunkSize: [8, 8, 8], blockSize: [8, 8, 8],
                                                   dataType: .uint64, z: 9)
        }
        #expect(plane?.message.contains("plane 9") == true)
    }

    @Test func regionsTouchingTooManyChunksAreRefusedBeforeAnyRequest() async throws {
        let info = VolumeFixture.info(size: [1 << 20, 1 << 20, 1], chunk: [1, 1, 1])
        let store = MemoryStore()
        try store.put("info", info.json.serialized())
        let counting = CountingStore(store)
        let volume = try await PrecomputedVolume.open(store: counting, cache: nil, infoCache: nil)
        counting.reset()
        let error = await #expect(throws: ConnectomeError.self) {
            try await volume.readSection(mip: 0, x: 0..<1024, y: 0..<1024, z: 0)
        }
        #expect(error?.kind == .argument)
        #expect(error?.message.contains("1024 × 1024 chunks of 1 × 1 voxels") == true)
        #expect(counting.requests.isEmpty)
    }
}
