import Foundation
import Testing
@testable import ConnectomeCore

/// Stack infos the `catmaid-stack` fuzz target (Fuzz/) crashed the kernel with, each now a `DataError`.
@Suite("CATMAID stack infos found by fuzzing")
struct StackInfoFuzzRegressionTests {
    @Test func zeroDownsampleFactorIsADataError() {
        // The fuzzer's input: an explicit-factors stack whose level 0 has x factor 0, so its size was 1000 / 0.
        let info = Data(#"""
            {"sid":2,"pid":3,"ptitle":"p","stitle":"anisotropic","downsample_factors":[{"x":0,"y":1,"z":1},{"x":2,"y":2,"z":1},{"x":4,"y":4,"z":2}],"num_zoom_levels":2,"translation":{"x":100,"y":200,"z":300},"resolution":{"x":8,"y":8,"z":40},"dimension":{"x":1000,"y":601,"z":35},"brmken_slices":{},"orientation":1,"metadata":null,"comment":null,"placeholder_color":{"r":0,"g":0,"b":0,"a":1},"mirrors":[{"id":1,"title":"zoom dirs","image_base":"file:///data/stack/","tile_width":256,"tile_height":256,"tile_source_type":4,"file_extension":"png","file_extension":".jpg","tome-ken":1}]}
            """#.utf8)
        let error = #expect(throws: ConnectomeError.self) { try StackInfo.parse(info, source: "stack/2/info") }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("downsample_factors[0]") == true)
    }

    @Test(arguments: ["0.5", "-2", #""inf""#, #""nan""#])
    func downsampleFactorBelowOneOrInfiniteIsADataError(factor: String) {
        let info = Data(#"""
            {"sid":2,"pid":3,"stitle":"s","downsample_factors":[{"x":1,"y":1,"z":1},{"x":\#(factor),"y":2,"z":1}],
             "resolution":{"x":8,"y":8,"z":40},"dimension":{"x":1000,"y":601,"z":35},"mirrors":[]}
            """#.utf8)
        let error = #expect(throws: ConnectomeError.self) { try StackInfo.parse(info, source: "stack/2/info") }
        #expect(error?.message.contains("downsample_factors[1]") == true)
    }

    /// The sample's stack info with one field replaced, as the fuzzer found it.
    static func sample(dimension: String = #"{"x": 1024, "y": 1024, "z": 64}"#,
                       resolution: String = #"{"x": 8, "y": 8, "z": 42}"#,
                       translation: String = #"{"x": 0, "y": 0, "z": 0}"#) -> Data {
        Data(#"""
            {"sid": 1, "pid": 1, "ptitle": "sample", "stitle": "sample EM", "dimension": \#(dimension),
             "resolution": \#(resolution), "translation": \#(translation), "downsample_factors": null,
             "num_zoom_levels": 2, "orientation": 0, "broken_slices": {"10": 1},
             "mirrors": [{"id": 4, "title": "N5", "tile_width": 128, "tile_height": 128, "tile_source_type": 11,
                          "image_base": "file:///tmp/sample.n5/volume/%SCALE_DATASET%/0_1_2", "file_extension": ""}]}
            """#.utf8)
    }

    @Test func negativeDepthIsADataError() {
        // Was a trap building the section range 0..<-64 in StackReader.readSection.
        let error = #expect(throws: ConnectomeError.self) {
            try StackInfo.parse(Self.sample(dimension: #"{"x": 1024, "y": 1024, "z": -64}"#), source: "stack/1/info")
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("dimension") == true)
    }

    @Test(arguments: [#"{"x": 0, "y": 8, "z": 42}"#, #"{"x": 8, "y": -8, "z": 42}"#, #"{"x": 8, "y": 8, "z": "inf"}"#])
    func resolutionThatIsNotPositiveAndFiniteIsADataError(resolution: String) {
        // x 0 was a trap: world → voxel divided by 0 and the NaN went into Int() in planeRegion.
        let error = #expect(throws: ConnectomeError.self) {
            try StackInfo.parse(Self.sample(resolution: resolution), source: "stack/1/info")
        }
        #expect(error?.message.contains("resolution") == true)
    }

    @Test func hugeTranslationIsADataError() {
        let error = #expect(throws: ConnectomeError.self) {
            try StackInfo.parse(Self.sample(translation: #"{"x": 1e308, "y": 0, "z": 0}"#), source: "stack/1/info")
        }
        #expect(error?.message.contains("translation") == true)
    }

    @Test func theSampleShapeStillParses() throws {
        let stack = try StackInfo.parse(Self.sample(), source: "stack/1/info")
        #expect(stack.dimension == StackExtent(x: 1024, y: 1024, z: 64))
    }
}
