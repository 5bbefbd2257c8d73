import ConnectomeCore
import Testing

/// The one rule for grouped segments, asserted for a scene built and a scene edited: `segments`
/// show in the main segmentation layer, and each group adds a hidden layer holding its members.
@Suite("Where grouped segments go")
struct GroupedSegmentsTests {
    let sample = DatasetDescription.sample(directory: "/data/sample")

    static func grouped(_ request: inout SceneRequest) {
        request.segments = [11, 12, 13]
        request.hiddenSegments = [9]
        request.groups = .labels(["left", "right", "left"])
    }

    static func grouped(_ edit: inout SceneEdit) {
        edit.segments = [11, 12, 13]
        edit.hiddenSegments = [9]
        edit.groups = .labels(["left", "right", "left"])
    }

    @Test func aBuiltSceneShowsThemInTheMainLayerAndInHiddenGroupLayers() throws {
        var request = SceneRequest()
        Self.grouped(&request)
        let state = try request.build(for: sample)
        #expect(state.layers.map(\.name) == ["image", "segmentation", "left", "right"])
        let main = try #require(state.layer(named: "segmentation")?.segmentation)
        #expect(main.segments == [SegmentSelection(11), SegmentSelection(12), SegmentSelection(13), SegmentSelection(9, visible: false)])
        #expect(main.visible != false)
        #expect(state.layer(named: "left")?.segmentation?.segments == [SegmentSelection(11), SegmentSelection(13)])
        #expect(state.layer(named: "right")?.segmentation?.segments == [SegmentSelection(12)])
        #expect(state.layers.filter { ["left", "right"].contains($0.name) }.allSatisfy { !$0.isVisible })
    }

    @Test func anEditedSceneFollowsTheSameRule() throws {
        var request = SceneRequest()
        Self.grouped(&request)
        let built = try request.build(for: sample)

        var edit = SceneEdit()
        Self.grouped(&edit)
        let empty = try SceneRequest().build(for: sample)
        let edited = try empty.edited(by: edit, dataset: sample, viewerBase: sample.viewerBase)
        #expect(edited.layers == built.layers)

        // A scene that already shows segments keeps them first and adds the new ones after.
        let shown = try SceneRequest.with { $0.segments = [5] }.build(for: sample)
        let added = try shown.edited(by: edit, dataset: sample, viewerBase: sample.viewerBase)
        #expect(added.layer(named: "segmentation")?.segmentation?.visibleSegments == [5, 11, 12, 13])
        #expect(added.layer(named: "left")?.segmentation?.visibleSegments == [11, 13])
        #expect(added.layer(named: "left")?.isVisible == false)
    }

    @Test func groupsWithoutSegmentsLeaveTheMainLayerAsItWas() throws {
        var request = SceneRequest()
        request.groups = .groups([SegmentGroup(name: "KC", segments: [1, 2])])
        let state = try request.build(for: sample)
        #expect(state.layer(named: "segmentation")?.segmentation?.segments.isEmpty == true)
        #expect(state.layer(named: "KC")?.segmentation?.visibleSegments == [1, 2])

        var edit = SceneEdit()
        edit.groups = request.groups
        let edited = try SceneRequest().build(for: sample).edited(by: edit, dataset: sample, viewerBase: sample.viewerBase)
        #expect(edited.layers == state.layers)
    }
}
