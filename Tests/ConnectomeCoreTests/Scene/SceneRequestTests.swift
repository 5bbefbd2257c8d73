import ConnectomeCore
import JSONModel
import Testing

@Suite("Scene building")
struct SceneRequestTests {
    let sample = DatasetDescription.sample(directory: "/data/sample")

    @Test func defaultSceneHasImageAndSegmentation() throws {
        let state = try SceneRequest().build(for: sample)
        #expect(state.layers.map(\.name) == ["image", "segmentation"])
        #expect(state.layers.map(\.kind) == ["image", "segmentation"])
        #expect(state.dimensions?.nanometres == [8, 8, 42])
        #expect(state.layout == ViewerLayout("xy-3d"))
        #expect(state.position == nil)
        // CRANT carries crantpy's brain mesh, on by default (crantpy's layers 1-3); nuclei and merge-biased are asked for.
        #expect(try SceneRequest().build(for: .crant).layers.map(\.name) == ["image", "segmentation", "brain mesh"])
    }

    @Test func segmentsHiddenSegmentsAndColours() throws {
        var request = SceneRequest()
        request.segments = [576_460_752_664_524_086, 576_460_752_664_524_087]
        request.hiddenSegments = [9]
        request.colors = .map([576_460_752_664_524_086: "SteelBlue", 9: "#abc"])
        request.position = [10, 20, 30]
        request.layout = "3d"
        request.orthographicProjection = true
        let state = try request.build(for: sample)
        let seg = try #require(state.layer(named: "segmentation")?.segmentation)
        #expect(seg.segments == [SegmentSelection(576_460_752_664_524_086), SegmentSelection(576_460_752_664_524_087),
                                 SegmentSelection(9, visible: false)])
        #expect(seg.segmentColors == [576_460_752_664_524_086: RGBColor(red: 0x46, green: 0x82, blue: 0xb4),
                                      9: RGBColor(red: 0xaa, green: 0xbb, blue: 0xcc)])
        #expect(state.position == [10, 20, 30])
        #expect(state.json["layout"] == ["type": "3d", "orthographicProjection": true])
        #expect(state.json["layers"]?[1]?["segments"]?[2] == "!9")
        #expect(state.json["layers"]?[1]?["segmentColors"]?["9"] == "#aabbcc")
    }

    @Test func colourFormsAssignInOrder() throws {
        var request = SceneRequest()
        request.segments = [1, 2, 3]
        request.colors = .single("red")
        #expect(try request.resolved(sample).segmentColors.values.allSatisfy { $0.hex == "#ff0000" })
        request.colors = .list(["red", "lime", "#00f"])
        #expect(try request.resolved(sample).segmentColors.mapValues(\.hex) == [1: "#ff0000", 2: "#00ff00", 3: "#0000ff"])
        request.colors = .labels(["b", "a", "b"])
        // Labels sorted (a, b) → tab10 order.
        #expect(try request.resolved(sample).segmentColors.mapValues(\.hex) == [1: "#ff7f0e", 2: "#1f77b4", 3: "#ff7f0e"])
        request.segments = (1...25).map { SegmentID(UInt64($0)) }
        request.colors = .labels((1...25).map { "label\($0)" })
        #expect(Set(try request.resolved(sample).segmentColors.values).count == 25)
    }

    @Test func groupsBecomeHiddenLayers() throws {
        var request = SceneRequest()
        request.segments = [11, 12, 13]
        request.colors = .list(["red", "green", "blue"])
        request.groups = .groups([SegmentGroup(name: "MBON", segments: [11, 13]), SegmentGroup(name: "KC", segments: [12])])
        let state = try request.build(for: sample)
        #expect(state.layers.map(\.name) == ["image", "segmentation", "MBON", "KC"])
        let mbon = try #require(state.layer(named: "MBON")?.segmentation)
        #expect(mbon.visible == false)
        #expect(mbon.visibleSegments == [11, 13])
        #expect(mbon.segmentColors.keys.sorted() == [11, 13])
        #expect(mbon.source == state.layer(named: "segmentation")?.segmentation?.source)
        // The segments themselves stay shown in the main layer (GroupedSegmentsTests holds the rule).
        #expect(state.layer(named: "segmentation")?.segmentation?.visibleSegments == [11, 12, 13])

        request.groups = .labels(["x", "y", "x"])
        let byLabel = try request.build(for: sample)
        #expect(byLabel.layers.map(\.name) == ["image", "segmentation", "x", "y"])
        #expect(byLabel.layer(named: "x")?.segmentation?.visibleSegments == [11, 13])
    }

    @Test func annotationsAndSkeletonsHaveReproducibleIDs() throws {
        var request = SceneRequest()
        request.annotationLayers = [
            AnnotationRequest(name: "pts", shapes: .points([[1, 2, 3], [1, 2, 3]]), segments: [5, 6]),
            AnnotationRequest(shapes: .ellipsoids([[1, 1, 1, 4], [2, 2, 2, 1, 2, 3]])),
        ]
        request.skeletons = [SkeletonRequest(name: "pts", nodes: [.init(id: 10, position: [80, 160, 420]), .init(id: 11, position: [0, 0, 0])],
                                             edges: [[10, 11]])]
        let first = try request.build(for: sample)
        let second = try request.build(for: sample)
        #expect(first == second)
        #expect(NeuroglancerURL.encode(first, base: "b") == NeuroglancerURL.encode(second, base: "b"))
        let pts = try #require(first.layer(named: "pts")?.annotationLayer)
        #expect(Set(pts.annotations.map(\.id)).count == 2)
        #expect(pts.annotations.allSatisfy { $0.id.count == 16 })
        #expect(pts.annotations.map(\.segments) == [[[5]], [[6]]])
        #expect(pts.extra["linkedSegmentationLayer"] == ["segments": "segmentation"])
        let ellipsoids = try #require(first.layer(named: "annotation1")?.annotationLayer)
        #expect(ellipsoids.annotations.map(\.geometry) == [.ellipsoid(center: [1, 1, 1], radii: [4, 4, 4]),
                                                           .ellipsoid(center: [2, 2, 2], radii: [1, 2, 3])])
        // The skeleton asked for a taken name and gets a fresh one; nm → voxels.
        let skeleton = try #require(first.layer(named: "pts 2")?.annotationLayer)
        #expect(skeleton.annotations.map(\.geometry) == [.line([10, 20, 10], [0, 0, 0])])
    }

    @Test(arguments: [
        (SceneRequest.with { $0.segments = [1]; $0.colors = .single("blu") },
         "colour: \"blu\" is not a colour name. did you mean \"blue\"? Colours are CSS names (red, steelblue, …) or hex #rgb / #rrggbb"),
        (SceneRequest.with { $0.segments = [1, 2]; $0.colors = .list(["red", "grean"]) },
         "colour 2 of the list: \"grean\" is not a colour name. did you mean \"green\"? Colours are CSS names (red, steelblue, …) or hex #rgb / #rrggbb"),
        (SceneRequest.with { $0.segments = [1]; $0.colors = .single("#12345") },
         "colour: \"#12345\" is not a hex colour; write #rgb or #rrggbb with hex digits 0-9 and a-f, e.g. #ff8800"),
        (SceneRequest.with { $0.segments = [1, 2, 3]; $0.colors = .list(["red", "blue"]) },
         "2 colours for 3 segments. give one colour per segment in order, one colour for all, or a map {ID: colour}"),
        (SceneRequest.with { $0.segments = [1, 2]; $0.colors = .labels(["a"]) },
         "1 colour labels for 2 segments. give one label per segment, in the order of the segments"),
        (SceneRequest.with { $0.segments = [1, 2]; $0.groups = .labels(["a", "b", "c"]) },
         "3 group labels for 2 segments. give one group label per segment, in the order of the segments, or a map {group: [IDs]}"),
        (SceneRequest.with { $0.position = [1, 2] },
         "position has 2 coordinates (1, 2); the dataset has 3 dimensions, so give (x, y, z) in voxels"),
        (SceneRequest.with { $0.layout = "xy3d" },
         "\"xy3d\" is not a neuroglancer layout. did you mean \"xy-3d\"? Layouts are xy, yz, xz, xy-3d, yz-3d, xz-3d, 4panel, 4panel-alt, 3d"),
        (SceneRequest.with { $0.annotationLayers = [AnnotationRequest(name: "p", shapes: .points([[1, 2, 3], [4, 5]]))] },
         "point 2 of layer \"p\" has 2 numbers (4, 5); expected 3"),
        (SceneRequest.with { $0.annotationLayers = [AnnotationRequest(name: "e", shapes: .ellipsoids([[1, 2, 3]]))] },
         "ellipsoid 1 of layer \"e\" has 3 numbers; give (x, y, z, radius) or (x, y, z, rx, ry, rz)"),
        (SceneRequest.with { $0.skeletons = [SkeletonRequest(name: "s", nodes: [.init(id: 1, position: [0, 0, 0])], edges: [[1, 2]])] },
         "edge 1 of skeleton \"s\" names node 2, which is not among its 1 nodes"),
        (SceneRequest.with { $0.brainMesh = true },
         "dataset sample has no brain mesh source, so the scene cannot include one. leave that layer out, or open a dataset that has it"),
        (SceneRequest.with { $0.segmentation = false; $0.segments = [5] },
         "segments were given but the scene has no segmentation layer (dataset sample has one, but segmentation=false was asked)"),
    ])
    func badRequestsSayWhatIsWrong(request: SceneRequest, message: String) {
        do {
            _ = try request.build(for: sample)
            Issue.record("expected an error: \(message)")
        } catch {
            #expect(error.kind == .argument)
            #expect(error.description.lowercased() == message.lowercased())
        }
    }

    @Test func colourNamesCoverTheCSSList() throws {
        #expect(try RGBColor(parsing: "RebeccaPurple").hex == "#663399")
        #expect(try RGBColor(parsing: "lightgoldenrodyellow").hex == "#fafad2")
        let grey = try RGBColor(parsing: "grey")
        #expect(try RGBColor(parsing: "gray") == grey)
        #expect(try RGBColor(parsing: "FF8800").hex == "#ff8800")
        #expect(try RGBColor(parsing: "#F80").hex == "#ff8800")
    }
}

extension SceneRequest {
    static func with(_ change: (inout SceneRequest) -> Void) -> SceneRequest {
        var request = SceneRequest()
        change(&request)
        return request
    }

    func resolved(_ dataset: DatasetDescription) throws -> SegmentationLayer {
        try #require(try build(for: dataset).layer(named: "segmentation")?.segmentation)
    }
}

@Suite("Links per neuron")
struct LinksPerNeuronTests {
    @Test func oneLinkPerSegmentWithItsSkeleton() throws {
        let sample = DatasetDescription.sample(directory: "/d")
        let skeleton = SkeletonRequest(name: "n2", nodes: [.init(id: 1, position: [0, 0, 0]), .init(id: 2, position: [8, 8, 42])],
                                       edges: [[2, 1]], segment: 2)
        let rows = try SceneRequest().linksPerNeuron([1, 2], skeletons: [2: skeleton], for: sample)
        #expect(rows.map(\.segment) == [1, 2])
        let first = try NeuroglancerURL.decode(rows[0].url)
        let second = try NeuroglancerURL.decode(rows[1].url)
        #expect(first.layer(named: "segmentation")?.segmentation?.visibleSegments == [1])
        #expect(first.layer(named: "n2") == nil)
        #expect(second.layer(named: "segmentation")?.segmentation?.visibleSegments == [2])
        #expect(second.layer(named: "n2")?.annotationLayer?.annotations.map(\.geometry) == [.line([1, 1, 1], [0, 0, 0])])
    }
}
