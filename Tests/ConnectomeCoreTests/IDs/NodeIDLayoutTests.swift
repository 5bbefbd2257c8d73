import ConnectomeCore
import JSONModel
import Testing

@Suite("Chunked-graph node IDs")
struct NodeIDLayoutTests {
    let crant = NodeIDLayout(nLayers: 8)
    let flywire = NodeIDLayout(nLayers: 10)

    /// A layer-1 ID built from its fields, as PyChunkedGraph lays them out.
    func supervoxel(x: UInt64, y: UInt64, z: UInt64, segment: UInt64, bits s: UInt64) -> SegmentID {
        SegmentID((1 << 56) | (x << (56 - s)) | (y << (56 - 2 * s)) | (z << (56 - 3 * s)) | segment)
    }

    @Test func crantRootIsLayerEight() {
        let root: SegmentID = 576_460_752_664_524_086  // 0x080000001585F536
        #expect(crant.layer(of: root) == 8)
        #expect(crant.isValidRoot(root))
        #expect(!crant.isValidSupervoxel(root))
        #expect(!flywire.isValidRoot(root))
    }

    @Test func flywireRootIsLayerTen() {
        let root: SegmentID = 720_575_940_621_039_145  // 0x0A0000000E68F629
        #expect(flywire.layer(of: root) == 10)
        #expect(flywire.isValidRoot(root))
        #expect(!crant.isValidRoot(root))
    }

    @Test func supervoxelsAreLayerOneWithChunkCoordinates() {
        let sv8 = supervoxel(x: 300, y: 200, z: 100, segment: 12345, bits: 10)
        #expect(crant.isValidSupervoxel(sv8))
        #expect(!crant.isValidRoot(sv8))
        #expect(crant.chunkCoordinates(of: sv8, bits: 10)! == (300, 200, 100))
        #expect(crant.chunkID(of: sv8, bits: 10) == SegmentID(sv8.rawValue - 12345))

        let sv10 = supervoxel(x: 5, y: 6, z: 7, segment: 99, bits: 10)
        #expect(flywire.isValidSupervoxel(sv10))
        #expect(flywire.layer(of: sv10) == 1)
        // Without a bit count for the layer there are no coordinates.
        #expect(flywire.chunkCoordinates(of: sv10) == nil)
    }

    @Test func readsTheGraphInfo() throws {
        let info: JSONValue = [
            "graph": [
                "n_layers": 8, "n_bits_for_layer_id": 8,
                "spatial_bit_masks": ["1": 10, "2": 10, "3": 5, "4": 4, "5": 3, "6": 2, "7": 1, "8": 1],
                "chunk_size": [256, 256, 512],
            ],
        ]
        let layout = try NodeIDLayout(graphInfo: info)
        #expect(layout.nLayers == 8)
        #expect(layout.layerBits == 8)
        #expect(layout.spatialBits[3] == 5)
        let sv = supervoxel(x: 1, y: 2, z: 3, segment: 4, bits: 10)
        #expect(layout.chunkCoordinates(of: sv)! == (1, 2, 3))
        #expect(throws: ConnectomeError.self) { try NodeIDLayout(graphInfo: ["graph": ["n_layers": "eight"]]) }
    }

    @Test func datasetPresetsDeclareTheirLayout() {
        #expect(NodeIDLayout(dataset: .crant) == NodeIDLayout(nLayers: 8, layerBits: 8))
        var custom = DatasetDescription.crant
        custom.nodeIDLayers = nil
        #expect(NodeIDLayout(dataset: custom) == nil)
    }

    @Test func validatesAHundredThousandIDs() {
        let ids = (0..<100_000).map { SegmentID(576_460_752_664_524_086 &+ UInt64($0) &* 1_000_003) }
        var mixed = ids
        mixed[99_999] = supervoxel(x: 1, y: 1, z: 1, segment: 1, bits: 10)
        let roots = crant.isValidRoot(mixed)
        #expect(roots.count == 100_000)
        #expect(roots.prefix(99_999).allSatisfy { $0 })
        #expect(roots[99_999] == false)
        #expect(crant.isValidSupervoxel(mixed).filter { $0 }.count == 1)
    }
}
