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
}
