import ConnectomeCore
import Foundation
import JSONModel
import Testing

/// A state with every layer kind and every annotation kind we model.
func everyKindState() -> ViewerState {
    let dims = CoordinateSpace(voxelSizeNanometres: [8, 8, 42])
    var segmentation = SegmentationLayer(
        name: "seg",
        source: [DataSource(url: "graphene://middleauth+https://data.proofreading.zetta.ai/segmentation/table/kronauer_ant_x1",
                            subsources: ["default": true, "graph": true, "mesh": true], enableDefaultSubsources: false,
                            extra: ["state": ["merge": ["merges": []]]])],
        visible: true,
        segments: [SegmentSelection(576_460_752_664_524_086), SegmentSelection(SegmentID(UInt64.max)),
                   SegmentSelection(7, visible: false)],
        segmentColors: [576_460_752_664_524_086: RGBColor(red: 255, green: 0, blue: 0)],
        extra: ["tab": "segments", "equivalences": [["1", "2"]]])
    segmentation.objectAlpha = 0.75
    segmentation.colorSeed = 1_234_567
    segmentation.segmentQuery = "576460752664524086"
    segmentation.hideSegmentZero = false
    segmentation.selectedAlpha = 0.4
    segmentation.notSelectedAlpha = 0.05
    segmentation.saturation = 0.9
    segmentation.segmentDefaultColor = RGBColor(red: 1, green: 2, blue: 3)
    var brain = SegmentationLayer(name: "brain mesh", source: [DataSource(url: "precomputed://gs://b/tissue/mesh#type=mesh")],
                                  segments: [SegmentSelection(1)])
    brain.objectAlpha = 0.11
    let annotations = AnnotationLayer(
        name: "ann", source: [AnnotationLayer.localSource(dimensions: dims)],
        annotations: [
            Annotation(id: "p", geometry: .point([1, 2, 3.5]), description: "soma", segments: [[576_460_752_664_524_086]]),
            Annotation(id: "l", geometry: .line([1, 2, 3], [4, 5, 6])),
            Annotation(id: "b", geometry: .axisAlignedBox([0, 0, 0], [10, 20, 30])),
            Annotation(id: "e", geometry: .ellipsoid(center: [5, 5, 5], radii: [1, 2, 3])),
            Annotation(id: "y", geometry: .polyline([[0, 0, 0], [1, 1, 1], [2, 3, 4]])),
            Annotation(id: "o", geometry: .other(type: "futureShape"), extra: ["whatever": [1, 2]]),
        ],
        extra: ["linkedSegmentationLayer": ["segments": "seg"], "annotationProperties": []])
    let legacyAnnotations = AnnotationLayer(
        name: "legacy", voxelSize: [8, 8, 42],
        annotations: [Annotation(id: "q", geometry: .point([9, 9, 9]), extra: ["tagIds": []])],
        extra: ["annotationTags": []])
    return ViewerState(
        dimensions: dims, position: [24899, 14436.5, 3739], crossSectionScale: 1.25, projectionScale: 30000,
        projectionDepth: -50, layout: ViewerLayout("xy-3d", orthographicProjection: true),
        selectedLayer: SelectedLayer(layer: "seg", visible: false), showSlices: false,
        layers: [
            .image(ImageLayer(name: "em", source: [DataSource(url: "precomputed://gs://dkronauer-ant-001-alignment-final/aligned")],
                              opacity: 0.9, shader: "void main() { emitGrayscale(toNormalized(getDataValue())); }\n",
                              extra: ["tab": "source"])),
            .segmentation(segmentation),
            .segmentation(brain),
            .annotation(annotations),
            .annotation(legacyAnnotations),
            .mesh(MeshLayer(name: "surface", source: [DataSource(url: "obj://https://example.org/brain.obj")])),
            .other(OtherLayer(name: "future", json: ["type": "volumeRendering3000", "setting": 4])),
        ],
        extra: ["projectionOrientation": [0, 0, 0, 1], "jsonStateServer": "https://global.daf-apis.com/nglstate/api/v1/post"])
}

@Suite("ViewerState round trips")
struct ViewerStateRoundTripTests {
    @Test func everyLayerAndAnnotationKindSurvivesTheURL() throws {
        let state = everyKindState()
        for base in [DatasetDescription.spelunker, DatasetDescription.neuroglancerDemo] {
            let url = NeuroglancerURL.encode(state, base: base)
            #expect(url.hasPrefix(base + "#!%7B%22"))
            let decoded = try NeuroglancerURL.decode(url)
            #expect(decoded == state)
        }
    }

    @Test func kindsAndNamesAreReported() {
        let state = everyKindState()
        #expect(state.layers.map(\.kind) == ["image", "segmentation", "mesh", "annotation", "annotation", "mesh", "volumeRendering3000"])
        #expect(state.layer(named: "seg")?.segmentation?.hiddenSegments == [7])
        #expect(state.layer(named: "seg")?.segmentation?.visibleSegments.count == 2)
    }

    @Test func hiddenSegmentsUseTheBangPrefix() throws {
        let json = everyKindState().json
        let segments = json["layers"]?[1]?["segments"]
        #expect(segments == ["576460752664524086", "18446744073709551615", "!7"])
        #expect(json["layers"]?[1]?["hiddenSegments"] == nil)
        #expect(json["layers"]?[1]?["segmentColors"]?["576460752664524086"] == "#ff0000")
    }

    @Test func unknownKeysAtEveryLevelSurvive() throws {
        let text = """
        {"dimensions":{"x":[8e-9,"m"],"y":[8e-9,"m"],"z":[4.2e-8,"m"]},"position":[1,2,3],
         "topSecret":{"a":[1,{"b":null}]},"layout":{"type":"4panel","orthographicProjection":true,"crossSections":{}},
         "selectedLayer":{"layer":"s","visible":true,"size":290},
         "layers":[{"type":"segmentation","name":"s","source":{"url":"precomputed://gs://x","transform":{"matrix":[[1,0,0,0],[0,1,0,0],[0,0,1,0]]}},
                    "segments":["5"],"mysteryLayerKey":42,"meshSilhouetteRendering":3},
                   {"type":"annotation","name":"a","source":"local://annotations","annotations":[{"type":"point","id":"x","point":[1,2,3],"props":["#ff0000",5],"mysteryAnnotationKey":true}],"shader":"void main(){}"},
                   {"type":"image","name":"i","source":"zarr://https://x","shaderControls":{"normalized":{"range":[0,255]}}}]}
        """
        let url = "https://neuroglancer-demo.appspot.com/#!" + NeuroglancerURL.percentEncode(text)
        let state = try NeuroglancerURL.decode(url)
        let again = try NeuroglancerURL.decode(NeuroglancerURL.encode(state, base: "https://x/"))
        #expect(again == state)
        let json = again.json
        #expect(json["topSecret"] == ["a": [1, ["b": nil]]])
        #expect(json["layout"]?["crossSections"] == [:])
        #expect(json["selectedLayer"]?["size"] == 290)
        #expect(json["layers"]?[0]?["mysteryLayerKey"] == 42)
        #expect(json["layers"]?[0]?["source"]?["transform"]?["matrix"]?[2]?[2] == 1)
        #expect(json["layers"]?[1]?["annotations"]?[0]?["mysteryAnnotationKey"] == true)
        #expect(json["layers"]?[1]?["annotations"]?[0]?["props"] == ["#ff0000", 5])
        #expect(json["layers"]?[2]?["shaderControls"]?["normalized"]?["range"] == [0, 255])
    }

    @Test func oldFormatStatesAreUpgraded() throws {
        let text = """
        {"navigation":{"pose":{"position":{"voxelSize":[4,4,40],"voxelCoordinates":[240000,85000,2000]},"orientation":[0,0,0,1]},"zoomFactor":2},
         "perspectiveZoom":2000,"perspectiveOrientation":[0.1,0.2,0.3,0.9],"showSlices":false,"layout":"xy-3d",
         "layers":{"img":{"type":"image","source":"precomputed://https://x/em"},
                   "seg":{"type":"segmentation_with_graph","source":"graphene://https://minnie/segmentation/table/t","segments":["864691135","!42"]}}}
        """
        let state = try NeuroglancerURL.decode("https://neuroglancer.neuvue.io/#!" + NeuroglancerURL.percentEncode(text))
        #expect(state.position == [240000, 85000, 2000])
        #expect(state.dimensions?.nanometres == [4, 4, 40])
        #expect(state.crossSectionScale == 0.5)
        let expectedProjection = 2 * 100 * tan(Double.pi / 8) * 2000 / 4
        #expect(abs((state.projectionScale ?? 0) - expectedProjection) < 1e-9)
        #expect(state.extra["navigation"] == nil)
        #expect(state.extra["projectionOrientation"] == [0.1, 0.2, 0.3, 0.9])
        #expect(state.extra["crossSectionOrientation"] == [0, 0, 0, 1])
        #expect(state.layers.map(\.name) == ["img", "seg"])
        #expect(state.layers.map(\.kind) == ["image", "segmentation"])
        #expect(state.layer(named: "seg")?.segmentation?.hiddenSegments == [42])
    }

    @Test func badMembersAreNamedByPath() {
        let cases: [(String, String)] = [
            (#"{"layers":[{"type":"segmentation","segments":["1","12a"]}]}"#,
             "viewer state: `layers[0].segments[1]`: \"12a\" is not an unsigned 64-bit integer; IDs are whole numbers from 0 to 18446744073709551615"),
            (#"{"position":[1,"two",3]}"#, "viewer state: `position[1]` is \"two\"; expected a number"),
            (#"{"layers":[{"type":"segmentation","objectAlpha":"high"}]}"#,
             "viewer state: `layers[0].objectAlpha` is \"high\"; expected a number"),
            (#"{"layers":[{"type":"annotation","annotations":[{"type":"line","id":"x","pointA":[1,2,3]}]}]}"#,
             "viewer state: `layers[0].annotations[0]` is a line annotation without `pointB`"),
        ]
        for (text, message) in cases {
            #expect(throws: ConnectomeError.data(message)) { try NeuroglancerURL.decode("https://x/#!" + text) }
        }
    }
}
