import ConnectomeCore
import JSONModel
import Testing

@Suite("Scene summary and table")
struct SceneSummaryTests {
    @Test func summaryCountsPerLayer() {
        let summary = everyKindState().summary
        #expect(summary.position == [24899, 14436.5, 3739])
        #expect(summary.voxelSize?.map { ($0 * 1000).rounded() / 1000 } == [8, 8, 42])
        #expect(summary.layout == "xy-3d")
        #expect(summary.layers.map(\.name) == ["em", "seg", "brain mesh", "ann", "legacy", "surface", "future"])
        let seg = summary.layers[1]
        #expect(seg.kind == "segmentation")
        #expect(seg.selectedSegments == 2)
        #expect(seg.hiddenSegments == 1)
        #expect(seg.source?.hasPrefix("graphene://") == true)
        #expect(summary.layers[3].annotations == 6)
        #expect(summary.layers[4].annotations == 1)
        #expect(summary.selectedSegments == 3)
        #expect(summary.hiddenSegments == 1)
        #expect(summary.annotations == 7)
    }

    @Test func summaryText() {
        let text = everyKindState().summary.description
        #expect(text.hasPrefix("position (24899, 14436.5, 3739) voxels of 8 × 8 × 42 nm\nlayout xy-3d\n"))
        #expect(text.contains("  seg (segmentation), 2 selected, 1 hidden"))
        #expect(text.contains("  brain mesh (mesh), 1 selected"))
        #expect(text.contains("  ann (annotation), 6 annotations"))
    }

    @Test func tableHasOneRowPerSegment() {
        let rows = everyKindState().segmentTable
        #expect(rows.map(\.segment) == [576_460_752_664_524_086, SegmentID(UInt64.max), 7, 1])
        #expect(rows.map(\.layer) == ["seg", "seg", "seg", "brain mesh"])
        #expect(rows.map(\.visible) == [true, true, false, true])
    }

    @Test func manySourcesStayAList() throws {
        let text = #"{"layers":[{"type":"image","name":"i","source":["precomputed://a",{"url":"precomputed://b","transform":{"outputDimensions":{}}}]}]}"#
        let state = try NeuroglancerURL.decode("https://x/#!" + text)
        guard case .image(let image) = state.layers[0] else {
            Issue.record("expected an image layer")
            return
        }
        #expect(image.source.map(\.url) == ["precomputed://a", "precomputed://b"])
        #expect(state.json["layers"]?[0]?["source"]?[0] == "precomputed://a")
        #expect(state.json["layers"]?[0]?["source"]?[1]?["transform"] == ["outputDimensions": [:]])
    }
}
