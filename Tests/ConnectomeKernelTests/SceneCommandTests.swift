import CommandLanguage
import ConnectomeCore
import JSONModel
import JupyterProtocol
import Testing
@testable import ConnectomeKernel

@Suite("scene")
struct SceneCommandTests {
    static let a: SegmentID = 576460752664524086
    static let b: SegmentID = 576460752590602315
    static let vendor = "application/vnd.neuroglancer.state+json"

    @Test("the issue's example gives a clickable link with the state, and no application/json")
    func issueExample() async throws {
        let kernel = Kernel()
        let bundle = try #require(await kernel.run(
            #"scene segments=[576460752664524086, 576460752590602315] colors={576460752664524086: "red"} position=(24899, 14436, 3739)"#))
        let url = try #require(bundle.text("text/plain"))
        let html = try #require(bundle.text("text/html"))
        #expect(html.contains("<a href=\"\(HTML.escape(url))\" target=\"_blank\" rel=\"noopener noreferrer\">"))
        #expect(html.contains("2 segments"))
        #expect(bundle.data["application/json"] == nil)
        #expect(bundle.data.keys.sorted() == ["application/vnd.neuroglancer.state+json", "text/html", "text/plain"])
        #expect(url.hasPrefix(DatasetDescription.neuroglancerDemo + "#!%7B"))

        let state = try NeuroglancerURL.decode(url)
        let segmentation = try #require(state.layer(named: "segmentation")?.segmentation)
        #expect(segmentation.visibleSegments == [Self.a, Self.b])
        #expect(segmentation.segmentColors[Self.a]?.hex == "#ff0000")
        #expect(segmentation.segmentColors[Self.b] == nil)
        #expect(state.position == [24899, 14436, 3739])
        #expect(state.layers.map(\.kind) == ["image", "segmentation"])
        // The vendor type carries the state as an object, the same state the link holds.
        #expect(bundle.data[Self.vendor] == state.json)
        #expect(bundle.data[Self.vendor]?.objectValue?["layers"] != nil)
    }

    @Test("CRANT scenes open in Spelunker with the graphene segmentation and the aligned image")
    func crantLayers() async throws {
        let kernel = Kernel()
        kernel.interpreter.state.dataset = .crant
        let url = try #require(await kernel.run("scene 576460752664524086")?.text("text/plain"))
        #expect(url.hasPrefix("https://spelunker.cave-explorer.org/#!"))
        let state = try NeuroglancerURL.decode(url)
        guard case .image(let image)? = state.layers.first else { Issue.record("no image layer first"); return }
        #expect(image.source.first?.url == "precomputed://gs://dkronauer-ant-001-alignment-final/aligned")
        let segmentation = try #require(state.layer(named: "segmentation")?.segmentation)
        #expect(segmentation.source.first?.url == DatasetDescription.crant.segmentationURL)
        #expect(segmentation.source.first?.subsources?["graph"] == .bool(true))
        #expect(segmentation.visibleSegments == [Self.a])
    }

    @Test("mesh, nuclei and merge-biased layers follow the dataset and the switches")
    func layerSwitches() async throws {
        let kernel = Kernel()
        var dataset = DatasetDescription.crant
        dataset.brainMeshURL = "precomputed://gs://bucket/tissue_mesh/mesh#type=mesh"
        dataset.nucleiURL = "precomputed://gs://bucket/nuclei"
        dataset.mergeBiasedURL = nil
        kernel.interpreter.state.dataset = dataset
        let full = try NeuroglancerURL.decode(try #require(await kernel.run("scene nuclei=true")?.text("text/plain")))
        #expect(full.layers.map(\.name) == ["image", "segmentation", "brain mesh", "nuclei"])
        let bare = try NeuroglancerURL.decode(try #require(await kernel.run("scene image=false mesh=false")?.text("text/plain")))
        #expect(bare.layers.map(\.name) == ["segmentation"])
        let report = try #require(await kernel.failure("scene merge_biased=true"))
        #expect(report.evalue.contains("no merge-biased segmentation source"))
    }

    @Test("viewer= picks Spelunker, neuroglancer or any URL base")
    func viewers() async throws {
        let kernel = Kernel()
        for (argument, prefix) in [("spelunker", "https://spelunker.cave-explorer.org/#!"),
                                   ("neuroglancer", "https://neuroglancer-demo.appspot.com/#!"),
                                   ("\"https://ng.example.org/\"", "https://ng.example.org/#!")] {
            let url = try #require(await kernel.run("scene 1 viewer=\(argument)")?.text("text/plain"))
            #expect(url.hasPrefix(prefix))
        }
        let html = try #require(await kernel.run("scene 1 viewer=spelunker")?.text("text/html"))
        #expect(html.contains("Open in Spelunker"))
    }

    @Test("IDs come from a variable, a string, an integer, a table and a pipe")
    func idSources() async throws {
        let kernel = Kernel()
        kernel.interpreter.session.bind(name: "chosen", value: [.int(Int128(Self.a.rawValue)), .int(Int128(Self.b.rawValue))])
        let cells = [
            "scene chosen",
            "scene segments=chosen",
            "scene \"576460752664524086, 576460752590602315\"",
            "scene 576460752664524086 segments=576460752590602315",
            "chosen | scene",
            "valid root chosen | scene",
            "scene segments=[\"576460752664524086\", 576460752590602315]",
        ]
        for cell in cells {
            let url = try #require(await kernel.run(cell)?.text("text/plain"), "\(cell)")
            let segmentation = try NeuroglancerURL.decode(url).layer(named: "segmentation")?.segmentation
            #expect(segmentation?.visibleSegments == [Self.a, Self.b], "\(cell)")
        }
    }

    @Test("hidden segments are selected but written as !id")
    func hiddenSegments() async throws {
        let kernel = Kernel()
        let url = try #require(await kernel.run("scene segments=[1, 2] hidden=[3]")?.text("text/plain"))
        #expect(url.contains("%22!3%22"))
        let segmentation = try NeuroglancerURL.decode(url).layer(named: "segmentation")?.segmentation
        #expect(segmentation?.visibleSegments == [1, 2])
        #expect(segmentation?.hiddenSegments == [3])
    }

    @Test("colours: one for all, a list, RGB triples and labels")
    func colourForms() async throws {
        let kernel = Kernel()
        func colours(_ cell: String) async throws -> [SegmentID: String] {
            let url = try #require(await kernel.run(cell)?.text("text/plain"))
            let layer = try NeuroglancerURL.decode(url).layer(named: "segmentation")?.segmentation
            return (layer?.segmentColors ?? [:]).mapValues(\.hex)
        }
        #expect(try await colours("scene [1, 2] colors=\"steelblue\"") == [1: "#4682b4", 2: "#4682b4"])
        #expect(try await colours("scene [1, 2] colors=[\"red\", \"#00ff88\"]") == [1: "#ff0000", 2: "#00ff88"])
        #expect(try await colours("scene [1, 2] colors=(255, 136, 0)") == [1: "#ff8800", 2: "#ff8800"])
        #expect(try await colours("scene [1, 2] colors=[(1.0, 0.0, 0.0), (0, 0, 255)]") == [1: "#ff0000", 2: "#0000ff"])
        #expect(try await colours("scene [1, 2, 3] colors={labels: [\"KC\", \"PN\", \"KC\"]}")
            == [1: "#1f77b4", 2: "#ff7f0e", 3: "#1f77b4"])
        #expect(try await colours("scene [1, 2] colors=[7, 9]") == [1: "#1f77b4", 2: "#ff7f0e"])
    }

    @Test("groups become hidden layers named after them")
    func groups() async throws {
        let kernel = Kernel()
        let url = try #require(await kernel.run("scene groups={KC: [1, 2], PN: [3]}")?.text("text/plain"))
        let state = try NeuroglancerURL.decode(url)
        #expect(state.layers.map(\.name) == ["image", "segmentation", "KC", "PN"])
        #expect(state.layer(named: "KC")?.segmentation?.visibleSegments == [1, 2])
        #expect(state.layer(named: "PN")?.isVisible == false)
        let labelled = try NeuroglancerURL.decode(try #require(await kernel.run("scene [1, 2, 3] groups=[\"a\", \"b\", \"a\"]")?.text("text/plain")))
        #expect(labelled.layer(named: "a")?.segmentation?.visibleSegments == [1, 3])
        #expect(labelled.layer(named: "segmentation")?.segmentation?.visibleSegments == [1, 2, 3])
    }

    @Test("points, lines and ellipsoids become annotation layers in voxels")
    func annotations() async throws {
        let kernel = Kernel()
        let url = try #require(await kernel.run("""
            scene points=[(1, 2, 3), (4, 5, 6)] lines=[((1, 2, 3), (4, 5, 6)), (0, 0, 0, 1, 1, 1)] \
            ellipsoids={cells: [(10, 10, 10, 5)]}
            """)?.text("text/plain"))
        let state = try NeuroglancerURL.decode(url)
        #expect(state.layer(named: "points")?.annotationLayer?.annotations.count == 2)
        #expect(state.layer(named: "lines")?.annotationLayer?.annotations.count == 2)
        let cells = try #require(state.layer(named: "cells")?.annotationLayer)
        #expect(cells.annotations.first?.geometry == .ellipsoid(center: [10, 10, 10], radii: [5, 5, 5]))
        #expect(state.layer(named: "points")?.annotationLayer?.annotations.first?.geometry == .point([1, 2, 3]))
    }

    @Test("a skeleton record in nm becomes lines in voxels")
    func skeletonRecord() async throws {
        let kernel = Kernel()
        let url = try #require(await kernel.run(
            "scene skeleton={nodes: [(80, 160, 420), (160, 160, 840), (80, 80, 420)], edges: [(0, 1), (0, 2)], name: \"my neuron\"}")?
            .text("text/plain"))
        let layer = try #require(try NeuroglancerURL.decode(url).layer(named: "my neuron")?.annotationLayer)
        #expect(layer.annotations.map(\.geometry) == [.line([10, 20, 10], [20, 20, 20]), .line([10, 20, 10], [10, 10, 10])])
        let parents = try #require(await kernel.run(
            "scene skeleton={nodes: [(80, 160, 420), (160, 160, 840)], parents: [-1, 0]}")?.text("text/plain"))
        #expect(try NeuroglancerURL.decode(parents).layer(named: "skeleton")?.annotationLayer?.annotations.count == 1)
    }

    @Test("a node table (node_id, parent_id, x, y, z) is a skeleton too")
    func skeletonTable() async throws {
        let kernel = Kernel()
        kernel.interpreter.session.bind(name: "swc", value: .table(Table(
            title: "neuron 7", columns: ["node_id", "parent_id", "x", "y", "z"],
            rows: [[1, -1, 80, 80, 42], [2, 1, 160, 80, 42], [3, 2, 160, 160, 84]])))
        let url = try #require(await kernel.run("scene skeleton=swc")?.text("text/plain"))
        let layer = try #require(try NeuroglancerURL.decode(url).layer(named: "neuron 7")?.annotationLayer)
        #expect(layer.annotations.map(\.geometry) == [.line([20, 10, 1], [10, 10, 1]), .line([20, 20, 2], [20, 10, 1])])
    }

    @Test("links past 8,000 characters say so, and still encode every segment")
    func longLinks() async throws {
        let kernel = Kernel()
        let ids = (0..<1_000).map { String(Self.a.rawValue + UInt64($0)) }.joined(separator: ", ")
        let bundle = try #require(await kernel.run("scene segments=[\(ids)]"))
        let url = try #require(bundle.text("text/plain"))
        #expect(url.utf8.count > 8_000)
        #expect(bundle.text("text/html")?.contains("\(NumberFormat.grouped(url.utf8.count)) characters long") == true)
        #expect(try NeuroglancerURL.decode(url).layer(named: "segmentation")?.segmentation?.segments.count == 1_000)
        let short = try #require(await kernel.run("scene 1")?.text("text/html"))
        #expect(!short.contains("characters long"))
    }

    @Test("help for scene, decode and valid explains every parameter")
    func help() async throws {
        let kernel = Kernel()
        for command in ["scene", "decode", "valid", "token"] {
            let bundle = try #require(await kernel.run("help \(command)"))
            let text = try #require(bundle.text("text/plain"))
            #expect(text.contains("Examples"), "\(command)")
            let spec = try #require(kernel.interpreter.session.registry.spec(named: command))
            #expect(!spec.details.isEmpty)
            for parameter in spec.parameters { #expect(text.contains(parameter.name), "\(command) \(parameter.name)") }
        }
    }
}
