import Foundation
import Testing
@testable import ConnectomeCore

/// `info` files the `precomputed-info` fuzz target (Fuzz/) crashed the kernel with, each now a `DataError`.
@Suite("precomputed info files found by fuzzing")
struct PrecomputedInfoFuzzRegressionTests {
    /// The sample's image info with one field replaced.
    static func info(numChannels: String = "1", size: String = "[1024, 1024, 64]",
                     chunkSize: String = "[64, 64, 64]", voxelOffset: String = "[0, 0, 0]") -> Data {
        Data("""
            {"@type": "neuroglancer_multiscale_volume", "type": "image", "data_type": "uint8",
             "num_channels": \(numChannels),
             "scales": [{"key": "8_8_42", "size": \(size), "resolution": [8, 8, 42], "voxel_offset": \(voxelOffset),
                         "chunk_sizes": [\(chunkSize)], "encoding": "raw"}]}
            """.utf8)
    }

    @Test func chunkSizeOfInt64MaxIsADataError() {
        // The fuzzer's info: chunk z 9223372036854775807, so the chunk count (size + chunk - 1) / chunk overflowed.
        let found = Data(#"""
            {"type":"image","data_type":"uint8","@type":"neuroglancer_multiscale_volume","num_channels":1,"scales":[{"size":[1023,1024,64],"key":"8_8_42","resolution":[8,8,42],"voxel_offset":[0,0,0],"chunk_sizes":[[64,64,9223372036854775807]],"encoding":"raw"},{"voxel_offset":[0,0,0],"key":"16_16_42","resolution":[16,16,42],"size":[512,512,64],"encoding":"raw","chunk_sizes":[[64,64,64]]}]}
            """#.utf8)
        let error = #expect(throws: ConnectomeError.self) { try PrecomputedInfo.parse(found, source: "vol/info") }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("scales[0].chunk_sizes[0]") == true)
    }

    @Test(arguments: [("size", "[9223372036854775807, 1, 1]"), ("voxel_offset", "[-9223372036854775808, 0, 0]"),
                      ("size", "[1099511627777, 1, 1]")])
    func extentBeyondTwoToTheFortyIsADataError(field: String, value: String) {
        let data = field == "size" ? Self.info(size: value) : Self.info(voxelOffset: value)
        let error = #expect(throws: ConnectomeError.self) { try PrecomputedInfo.parse(data, source: "vol/info") }
        #expect(error?.message.contains("scales[0].\(field)") == true)
        #expect(error?.message.contains(field) == true)
    }

    @Test func numChannelsInTheHundredsOfMillionsIsADataError() {
        // 402653184 channels: a 4 × 4 section asked for a 24 GiB buffer before reading anything.
        let error = #expect(throws: ConnectomeError.self) {
            try PrecomputedInfo.parse(Self.info(numChannels: "402653184"), source: "vol/info")
        }
        #expect(error?.message.contains("num_channels") == true)
        #expect(throws: ConnectomeError.self) { try PrecomputedInfo.parse(Self.info(numChannels: "1000000"), source: "vol/info") }
    }

    @Test func largestAllowedValuesStillParse() throws {
        let info = try PrecomputedInfo.parse(Self.info(numChannels: "1024", size: "[1099511627776, 1, 1]",
                                                       voxelOffset: "[-1099511627776, 0, 0]"), source: "vol/info")
        #expect(info.numChannels == 1024)
        #expect(info.scales[0].grid.gridSize == [17_179_869_184, 1, 1])
    }
}
