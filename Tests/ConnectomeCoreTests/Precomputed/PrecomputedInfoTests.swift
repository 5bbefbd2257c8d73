import Foundation
import JSONModel
import Testing
@testable import ConnectomeCore

@Suite struct PrecomputedInfoTests {
    static let sample = """
    {"@type": "neuroglancer_multiscale_volume", "type": "segmentation", "data_type": "uint64", "num_channels": 1,
     "mesh": "mesh", "skeletons": "skeletons",
     "scales": [
       {"key": "8_8_42", "size": [1024, 1024, 64], "resolution": [8, 8, 42], "voxel_offset": [10, 20, 30],
        "chunk_sizes": [[64, 64, 64]], "encoding": "compressed_segmentation",
        "compressed_segmentation_block_size": [8, 8, 8]},
       {"key": "16_16_42", "size": [512, 512, 64], "resolution": [16, 16, 42], "chunk_sizes": [[64, 64, 64]],
        "encoding": "raw", "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": 3,
          "hash": "murmurhash3_x86_128", "minishard_bits": 6, "shard_bits": 9,
          "minishard_index_encoding": "gzip", "data_encoding": "gzip"}},
       {"key": "32_32_42", "size": [256, 256, 64], "resolution": [32, 32, 42], "chunk_sizes": [[64, 64, 64]],
        "encoding": "compresso"}
     ]}
    """

    @Test func parsesEveryFieldThatAffectsReading() throws {
        let info = try PrecomputedInfo.parse(Data(Self.sample.utf8))
        #expect(info.type == .segmentation)
        #expect(info.dataType == .uint64)
        #expect(info.numChannels == 1)
        #expect(info.mesh == "mesh" && info.skeletons == "skeletons")
        #expect(info.scales.count == 3)
        #expect(info.scales[0].voxelOffset == [10, 20, 30])
        #expect(info.scales[0].compressedSegmentationBlockSize == [8, 8, 8])
        #expect(info.scales[0].encoding == .compressedSegmentation)
        #expect(info.scales[1].voxelOffset == [0, 0, 0])
        #expect(info.scales[1].sharding == ShardingSpec(preshiftBits: 3, hash: .murmurhash3_x86_128, minishardBits: 6,
                                                         shardBits: 9, minishardIndexEncoding: .gzip, dataEncoding: .gzip))
        #expect(info.scales[2].encoding == .unsupported("compresso"))
    }

    @Test func roundTripsThroughItsJSON() throws {
        let info = try PrecomputedInfo.parse(Data(Self.sample.utf8))
        let again = try PrecomputedInfo(json: info.json)
        #expect(again == info)
    }

    @Test(arguments: [
        (#""data_type": "uint64""#, #""data_type": "complex64""#, "data_type is \"complex64\""),
        (#""type": "segmentation""#, #""type": "mesh""#, "type is \"mesh\""),
        (#""size": [1024, 1024, 64]"#, #""size": [1024, 0, 64]"#, "scales[0].size is [1024,0,64]"),
        (#""compressed_segmentation_block_size": [8, 8, 8]"#, #""compressed_segmentation_block_size": [8, 8]"#,
         "scales[0].compressed_segmentation_block_size is [8,8]"),
        (#""hash": "murmurhash3_x86_128""#, #""hash": "sha1""#, "scales[1].sharding.hash is \"sha1\""),
        (#""minishard_bits": 6"#, #""minishard_bits": 40"#, "scales[1].sharding.minishard_bits is 40"),
        (#""resolution": [16, 16, 42], "chunk_sizes": [[64, 64, 64]]"#, #""resolution": [16, 16, 42], "chunk_sizes": []"#,
         "scales[1].chunk_sizes is []"),
    ])
    func validationErrorsNameTheFieldAndValue(original: String, replacement: String, message: String) throws {
        let text = Self.sample.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.sample)
        let error = #expect(throws: ConnectomeError.self) { try PrecomputedInfo.parse(Data(text.utf8)) }
        #expect(error?.kind == .data)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test func encodingMustFitTheDataType() throws {
        let text = Self.sample.replacingOccurrences(of: #""encoding": "raw""#, with: #""encoding": "jpeg""#)
        let error = #expect(throws: ConnectomeError.self) { try PrecomputedInfo.parse(Data(text.utf8)) }
        #expect(error?.message.contains("\"jpeg\" needs data_type uint8, not uint64") == true, "\(error?.message ?? "")")
    }

    @Test func notJSONIsADataError() {
        let error = #expect(throws: ConnectomeError.self) { try PrecomputedInfo.parse(Data("<html>".utf8)) }
        #expect(error?.kind == .data)
    }

    @Test func readingAnUnsupportedEncodingNamesIt() async throws {
        let store = MemoryStore()
        try store.put("info", Data(Self.sample.utf8))
        let volume = try await PrecomputedVolume.open(store: store, cache: nil, infoCache: nil)
        let error = await #expect(throws: ConnectomeError.self) {
            try await volume.readSection(mip: 2, x: 0..<10, y: 0..<10, z: 0)
        }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("compresso") == true)
        let badMip = await #expect(throws: ConnectomeError.self) {
            try await volume.readSection(mip: 3, x: 0..<10, y: 0..<10, z: 0)
        }
        #expect(badMip?.kind == .argument)
    }
}
