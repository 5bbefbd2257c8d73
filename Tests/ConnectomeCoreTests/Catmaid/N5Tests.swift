import Foundation
import ImageCodecs
import Testing
@testable import ConnectomeCore

@Suite("N5 attributes and blocks")
struct N5Tests {
    let attributes = N5DatasetAttributes(dimensions: [5, 4, 3], blockSize: [4, 4, 2], dataType: .uint8, compression: .raw)

    @Test func parsesAttributesInBothSpellings() throws {
        let current = try N5DatasetAttributes.parse(Data(#"""
            {"dimensions": [300, 200, 50], "blockSize": [64, 64, 8], "dataType": "uint8",
             "compression": {"type": "gzip", "level": -1, "useZlib": false}, "pixelResolution": {"unit": "nm"}}
            """#.utf8), source: "a")
        #expect(current == N5DatasetAttributes(dimensions: [300, 200, 50], blockSize: [64, 64, 8], dataType: .uint8,
                                               compression: .gzip))
        let old = try N5DatasetAttributes.parse(Data(#"{"dimensions":[2,2,2],"blockSize":[2,2,2],"dataType":"uint16","compressionType":"raw"}"#.utf8),
                                                source: "b")
        #expect(old.dataType == .uint16 && old.compression == .raw)
        let round = try N5DatasetAttributes.parse(current.json, source: "c")
        #expect(round == current)
    }

    @Test func rejectsUnsupportedAttributes() {
        let blosc = #expect(throws: ConnectomeError.self) {
            try N5DatasetAttributes.parse(Data(#"{"dimensions":[2],"blockSize":[2],"dataType":"uint8","compression":{"type":"blosc"}}"#.utf8), source: "x/attributes.json")
        }
        #expect(blosc?.kind == .unsupported && blosc?.hint.contains("raw and gzip") == true)
        let float = #expect(throws: ConnectomeError.self) {
            try N5DatasetAttributes.parse(Data(#"{"dimensions":[2],"blockSize":[2],"dataType":"float32"}"#.utf8), source: "x")
        }
        #expect(float?.message.contains("float32") == true)
        let group = #expect(throws: ConnectomeError.self) { try N5DatasetAttributes.parse(Data(#"{"n5":"2.5.0"}"#.utf8), source: "x") }
        #expect(group?.hint.contains("group") == true)
    }

    @Test(arguments: [N5DatasetAttributes.Compression.raw, .gzip])
    func blocksRoundTripIncludingTruncatedEdges(compression: N5DatasetAttributes.Compression) throws {
        var attributes = attributes
        attributes.compression = compression
        let edge = N5Block(shape: [1, 4, 2], bytes: (0..<8).map { UInt8($0 * 3) })
        let data = edge.encoded(compression: compression)
        #expect(Array(data.prefix(8)) == [0, 0, 0, 3, 0, 0, 0, 1], "mode 0, 3 dims, first dim 1, big-endian")
        #expect(try N5Block.decode(data, attributes: attributes, source: "s") == edge)
    }

    @Test func readsVarlengthHeadersAndRejectsMalformedBlocks() throws {
        let varlength = Data([0, 1, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 7, 9])
        #expect(try N5Block.decode(varlength, attributes: attributes, source: "v") == N5Block(shape: [2, 1, 1], bytes: [7, 9]))
        let short = #expect(throws: ConnectomeError.self) {
            try N5Block.decode(Data([0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 2, 1, 2, 3]), attributes: attributes, source: "s0/0/0/0")
        }
        #expect(short?.message.contains("s0/0/0/0") == true && short?.message.contains("32 bytes") == true)
        #expect(throws: ConnectomeError.self) { try N5Block.decode(Data([0, 0, 0, 2, 0, 0]), attributes: attributes, source: "s") }
        #expect(throws: ConnectomeError.self) {
            try N5Block.decode(Data([0, 0, 0, 3, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 9)),
                               attributes: attributes, source: "s")
        }
    }
}
