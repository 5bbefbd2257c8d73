import ConnectomeCore
import Foundation
import JSONModel
import Testing

/// The Swift half of the neuroglancer peer check (the Python half is Tests/EndToEnd/peer_neuroglancer).
///
/// Direction 1, neuroglancer → us: `Fixtures/neuroglancer_links.json` holds links written by
/// `neuroglancer.to_url` with neuroglancer's own JSON of each state (`make_fixtures.py`); we decode them.
/// Direction 2, us → neuroglancer: with `CK_NEUROGLANCER_PEER_DIR` set, `ours.json` in that directory
/// receives our links and the states we meant; the pytest parses them with `neuroglancer.parse_url`.
@Suite("neuroglancer peer")
struct NeuroglancerPeerTests {
    struct Fixture {
        var name: String
        var url: String
        var state: JSONValue
    }

    static func fixtures() throws -> [Fixture] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/neuroglancer_links.json")
        let document = try JSONValue.parse(Data(contentsOf: path))
        return try #require(document["fixtures"]?.arrayValue).map { entry in
            Fixture(name: entry["name"]!.stringValue!, url: entry["url"]!.stringValue!, state: entry["state"]!)
        }
    }

    static func fixture(_ name: String) throws -> (ViewerState, Fixture) {
        let fixture = try #require(try fixtures().first { $0.name == name })
        return (try NeuroglancerURL.decode(fixture.url), fixture)
    }

    @Test func everyNeuroglancerLinkDecodesToNeuroglancersState() throws {
        let all = try Self.fixtures()
        #expect(all.count == 7)
        for fixture in all {
            let decoded = try NeuroglancerURL.decode(fixture.url)
            #expect(decoded == (try ViewerState(json: fixture.state)), "fixture \(fixture.name)")
            // And our own link for it decodes to the same state again.
            #expect(try NeuroglancerURL.decode(NeuroglancerURL.encode(decoded, base: "https://x/")) == decoded,
                    "fixture \(fixture.name)")
        }
    }

    @Test func segmentationFixture() throws {
        let (state, _) = try Self.fixture("segmentation")
        #expect(state.position == [24899, 14436, 3739])
        #expect(state.dimensions?.nanometres?.map { ($0 * 1000).rounded() / 1000 } == [8, 8, 42])
        #expect(state.crossSectionScale == 1.5)
        #expect(state.projectionScale == 30000)
        #expect(state.layout?.type == "xy-3d")
        let layer = try #require(state.layer(named: "seg")?.segmentation)
        #expect(layer.visibleSegments == [576_460_752_664_524_086, 720_575_940_621_039_145, 5])
        #expect(layer.hiddenSegments == [7])
        #expect(layer.segmentColors[576_460_752_664_524_086]?.hex == "#ff0000")
        #expect(layer.segmentColors[720_575_940_621_039_145]?.hex == "#00ff7f")
        #expect(state.selectedLayer == SelectedLayer(layer: "seg", visible: false))
    }

    @Test func legacyURLSafeFixtureMatchesTheModernOne() throws {
        let (legacy, _) = try Self.fixture("url_safe_legacy")
        let (modern, _) = try Self.fixture("segmentation")
        #expect(legacy == modern)
    }

    @Test func imageGrapheneAndMeshFixture() throws {
        let (state, fixture) = try Self.fixture("image_and_graphene")
        #expect(fixture.url.hasPrefix("https://spelunker.cave-explorer.org/#!"))
        #expect(state.layers.map(\.kind) == ["image", "segmentation", "mesh"])
        let seg = try #require(state.layer(named: "proofreadable")?.segmentation)
        #expect(seg.source.first?.subsources?["graph"] == true)
        #expect(seg.source.first?.enableDefaultSubsources == false)
        #expect(seg.objectAlpha == 0.8)
        #expect(state.layout?.type == "4panel")
        #expect(state.layout?.orthographicProjection == true)
    }

    @Test func annotationFixture() throws {
        let (state, _) = try Self.fixture("annotations")
        let layer = try #require(state.layer(named: "ann")?.annotationLayer)
        #expect(layer.source.first?.url == "local://annotations")
        #expect(layer.annotations.map(\.geometry) == [
            .point([100, 200, 50]), .line([1, 2, 3], [4, 5, 6]), .axisAlignedBox([0, 0, 0], [10, 20, 30]),
            .ellipsoid(center: [5, 5, 5], radii: [2, 3, 4]), .polyline([[1, 1, 1], [2, 2, 2], [3, 3, 3]]),
        ])
        #expect(layer.annotations[0].description == "a point")
        #expect(layer.annotations[0].segments == [[576_460_752_664_524_086]])
        #expect(state.summary.annotations == 5)
    }

    @Test func unknownKeysFixtureKeepsThem() throws {
        let (state, _) = try Self.fixture("unknown_keys")
        let again = try NeuroglancerURL.decode(NeuroglancerURL.encode(state, base: DatasetDescription.spelunker)).json
        #expect(again["futureTopLevelKey"] == ["nested": [1, 2, 3]])
        #expect(again["layers"]?[0]?["futureLayerKey"] == "kept")
    }

    @Test func manySegmentsAndUnicodeFixtures() throws {
        let (many, _) = try Self.fixture("many_segments")
        #expect(many.segmentTable.count == 500)
        #expect(many.segmentTable.last?.segment == SegmentID(720_575_940_621_039_145 + 499))
        let (unicode, _) = try Self.fixture("unicode_name")
        #expect(unicode.layers.first?.name == "Kenyon cells αβ – \"core\"")
    }

    // MARK: - Direction 2: our links for neuroglancer

    /// Scenes we produce, named; the pytest asserts facts about some of them by name.
    static func ourScenes() throws -> [(String, ViewerState, String)] {
        let sample = DatasetDescription.sample(directory: "/data/sample")
        var basic = SceneRequest()
        basic.segments = [576_460_752_664_524_086, 576_460_752_664_524_087]
        basic.hiddenSegments = [576_460_752_664_524_099]
        basic.colors = .list(["red", "#0f0"])
        basic.position = [1000, 2000, 30]
        basic.layout = "4panel"

        var grouped = SceneRequest()
        grouped.segments = [11, 12, 13]
        grouped.groups = .labels(["left", "right", "left"])
        grouped.colors = .labels(["a", "b", "a"])

        var annotated = SceneRequest()
        annotated.annotationLayers = [
            AnnotationRequest(name: "synapses", shapes: .points([[1, 2, 3], [4, 5, 6]]), descriptions: ["s1", "s2"]),
            AnnotationRequest(name: "paths", shapes: .lines([[[0, 0, 0], [8, 8, 8]]])),
            AnnotationRequest(name: "somata", shapes: .ellipsoids([[10, 10, 10, 5]])),
        ]
        annotated.skeletons = [SkeletonRequest(name: "skeleton", treeNodes: [
            (id: 1, parent: -1, position: [800, 800, 4200]), (id: 2, parent: 1, position: [1600, 800, 4200]),
        ], segment: 576_460_752_664_524_086)]

        var everything = everyKindState()
        everything.layers.removeAll { if case .other = $0 { return true } else { return false } }
        if case .annotation(var layer) = everything.layers[3] {
            layer.annotations.removeAll { if case .other = $0.geometry { return true } else { return false } }
            everything.layers[3] = .annotation(layer)
        }
        return [
            ("basic", try basic.build(for: sample), sample.viewerBase),
            ("grouped", try grouped.build(for: sample), sample.viewerBase),
            ("annotated", try annotated.build(for: sample), sample.viewerBase),
            ("crant", try basic.build(for: .crant), DatasetDescription.crant.viewerBase),
            ("every_kind", everything, DatasetDescription.spelunker),
        ]
    }

    @Test func ourLinksForTheNeuroglancerPeer() throws {
        var entries: [JSONValue] = []
        for (name, state, base) in try Self.ourScenes() {
            let url = NeuroglancerURL.encode(state, base: base)
            #expect(try NeuroglancerURL.decode(url) == state, "scene \(name)")
            entries.append(["name": .string(name), "url": .string(url), "state": state.json])
        }
        guard let directory = ProcessInfo.processInfo.environment["CK_NEUROGLANCER_PEER_DIR"] else { return }
        let document: JSONValue = ["scenes": .array(entries)]
        let target = URL(fileURLWithPath: directory).appendingPathComponent("ours.json")
        try document.serialized(sortedKeys: true, pretty: true).write(to: target)
    }
}
