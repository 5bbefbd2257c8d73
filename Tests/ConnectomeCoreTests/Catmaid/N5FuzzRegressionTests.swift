import Foundation
import Testing
@testable import ConnectomeCore

/// Inputs the `n5` fuzz target (Fuzz/) crashed the kernel with, each now a `DataError`.
@Suite("N5 inputs found by fuzzing")
struct N5FuzzRegressionTests {
    /// The sample's own attributes, as the fuzzer mutated them.
    let attributes = Data(#"{"blockSize":[128,138,16],"compression":{"level":-1,"type":"gzip","useZlib":false},"dataType":"uint8","dimensions":[254,256,64]}"#.utf8)

    @Test func blockShapeWhoseElementCountOverflowsIsADataError() throws {
        let attributes = try N5DatasetAttributes.parse(attributes, source: "s2/attributes.json")
        // mode 0, 3 dimensions, shape 128 × 0x696f6e22 × 0x3a7b226c: the product overflows an Int.
        let block = Data([0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x80, 0x69, 0x6f, 0x6e, 0x22, 0x3a, 0x7b, 0x22, 0x6c])
        let error = #expect(throws: ConnectomeError.self) {
            try N5Block.decode(block, attributes: attributes, source: "s2/0/0/0")
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("s2/0/0/0") == true)
    }

    @Test func varlengthBlockOfAHugeShapeIsADataError() throws {
        let attributes = try N5DatasetAttributes.parse(attributes, source: "s2/attributes.json")
        // mode 1 (varlength), shape 0xffffffff³ and an element count: overflows before the count is compared.
        let block = Data([0x00, 0x01, 0x00, 0x03] + [UInt8](repeating: 0xff, count: 12) + [0x00, 0x00, 0x00, 0x01])
        let error = #expect(throws: ConnectomeError.self) {
            try N5Block.decode(block, attributes: attributes, source: "s2/0/0/0")
        }
        #expect(error?.kind == .data)
    }
}
