import ConnectomeCore
import Testing

@Suite("Scene editing")
struct SceneEditTests {
    let sample = DatasetDescription.sample(directory: "/data/sample")

    func scene(_ change: (inout SceneRequest) -> Void = { _ in }) throws -> ViewerState {
        try SceneRequest.with(change).build(for: sample)
    }

    func edit(_ state: ViewerState, _ change: (inout SceneEdit) -> Void) throws(SceneEditError) -> ViewerState {
        var edit = SceneEdit()
        change(&edit)
        return try state.edited(by: edit, dataset: sample, viewerBase: sample.viewerBase)
    }

    @Test func segmentsAndColoursMergeIntoTheMainLayer() throws {
        let start = try scene { $0.segments = [1, 2]; $0.hiddenSegments = [3]; $0.colors = .map([1: "red"]) }
        let edited = try edit(start) {
            $0.segments = [2, 3, 4]
            $0.colors = .map([4: "blue"])
            $0.position = [1, 2, 3]
            $0.layout = "3d"
        }
        let main = try #require(edited.layer(named: "segmentation")?.segmentation)
        // 3 was hidden and is now shown; order is kept, new segments come last.
        #expect(main.segments == [SegmentSelection(1), SegmentSelection(2), SegmentSelection(3), SegmentSelection(4)])
        #expect(main.segmentColors.mapValues(\.hex) == [1: "#ff0000", 4: "#0000ff"])
        #expect(edited.position == [1, 2, 3])
        #expect(edited.layout?.type == "3d")
        #expect(edited.layers.map(\.name) == start.layers.map(\.name))
    }

    @Test func aColourListWithoutSegmentsColoursTheShownOnes() throws {
        let start = try scene { $0.segments = [1, 2] }
        let edited = try edit(start) { $0.colors = .list(["red", "lime"]) }
        #expect(edited.layer(named: "segmentation")?.segmentation?.segmentColors.mapValues(\.hex) == [1: "#ff0000", 2: "#00ff00"])
        #expect(throws: SceneEditError.counts(SegmentCountMismatch(list: .colors, given: 1, segments: 2))) {
            try edit(start) { $0.colors = .list(["red"]) }
        }
    }

    @Test func newLayersTakeNamesNotYetTaken() throws {
        let start = try scene { $0.annotationLayers = [AnnotationRequest(name: "points", shapes: .points([[1, 2, 3]]))] }
        let edited = try edit(start) {
            $0.annotationLayers = [AnnotationRequest(name: "points", shapes: .points([[4, 5, 6]]))]
            $0.groups = .groups([SegmentGroup(name: "image", segments: [7])])
        }
        #expect(edited.layers.map(\.name) == ["image", "segmentation", "points", "image 2", "points 2"])
    }

    @Test func layerSwitchesRemoveAndAdd() throws {
        let start = try scene()
        let noImage = try edit(start) { $0.image = false }
        #expect(noImage.layers.map(\.name) == ["segmentation"])
        let back = try edit(noImage) { $0.image = true; $0.nuclei = false }
        #expect(back.layers.map(\.name) == ["image", "segmentation"])
    }

    @Test func failuresSayWhichPartIsAtFault() throws {
        let start = try scene()
        #expect(throws: SceneEditError.position(given: 2, dimensions: 3)) { try edit(start) { $0.position = [1, 2] } }
        #expect(throws: SceneEditError.counts(SegmentCountMismatch(list: .groupLabels, given: 1, segments: 2))) {
            try edit(start) { $0.segments = [1, 2]; $0.groups = .labels(["a"]) }
        }
        var bare = sample
        bare.segmentationURL = nil
        let imageOnly = try SceneRequest().build(for: bare)
        do {
            _ = try imageOnly.edited(by: SceneEdit.with { $0.segments = [1] }, dataset: bare, viewerBase: bare.viewerBase)
            Issue.record("expected an error")
        } catch {
            guard case .scene(let cause) = error else { Issue.record("not a scene error: \(error)"); return }
            #expect(cause.kind == .argument)
            #expect(cause.message.hasPrefix("the scene has no segmentation layer to add segments to"))
        }
    }

    @Test func theMainLayerIsNamedSelectedOrFirstShown() throws {
        var state = ViewerState(layers: [
            .segmentation(SegmentationLayer(name: "a", source: [], visible: false)),
            .segmentation(SegmentationLayer(name: "b", source: [])),
            .segmentation(SegmentationLayer(name: "c", source: [])),
        ])
        #expect(state.mainSegmentationIndex == 1)
        state.selectedLayer = SelectedLayer(layer: "c", visible: true)
        #expect(state.mainSegmentationIndex == 2)
        state.layers.append(.segmentation(SegmentationLayer(name: "segmentation", source: [])))
        #expect(state.mainSegmentationIndex == 3)
    }
}

extension SceneEdit {
    static func with(_ change: (inout SceneEdit) -> Void) -> SceneEdit {
        var edit = SceneEdit()
        change(&edit)
        return edit
    }
}
