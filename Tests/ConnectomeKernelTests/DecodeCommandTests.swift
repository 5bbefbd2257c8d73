import CommandLanguage
import ConnectomeCore
import JSONModel
import JupyterProtocol
import TestSupport
import Testing
@testable import ConnectomeKernel

@Suite("decode")
struct DecodeCommandTests {
    static let sceneCell = #"scene segments=[576460752664524086, 576460752590602315] colors={576460752664524086: "red"} position=(24899, 14436, 3739) points=[(1, 2, 3)]"#

    /// A link made by `scene`, bound to `link`.
    static func kernelWithLink() async throws -> (Kernel, String) {
        let kernel = Kernel()
        let url = try #require(await kernel.run(sceneCell)?.text("text/plain"))
        kernel.interpreter.session.bind(name: "link", value: .string(url))
        return (kernel, url)
    }

    /// A state as another tool writes it: a layer named `seg`, members we do not model, spelunker.
    static let foreignURL: String = {
        let json = #"{"dimensions":{"x":[8e-9,"m"],"y":[8e-9,"m"],"z":[4.2e-8,"m"]},"position":[100,200,300],"#
            + #""layers":[{"type":"image","source":"precomputed://gs://bucket/em","name":"em"},"#
            + #"{"type":"segmentation","source":"precomputed://gs://bucket/seg","name":"seg","segments":["11","!12"],"hoverHighlight":false}],"#
            + #""layout":"4panel","crossSectionOrientation":[0,0,0,1]}"#
        return "https://spelunker.cave-explorer.org/#!" + NeuroglancerURL.percentEncode(json)
    }()

    @Test("brief shows position, segments per layer and annotation counts, without application/json")
    func brief() async throws {
        let (kernel, _) = try await Self.kernelWithLink()
        let bundle = try #require(await kernel.run("decode link"))
        let text = try #require(bundle.text("text/plain"))
        #expect(text.hasPrefix("scene for neuroglancer: 3 layers, 2 segments\n"))
        #expect(text.contains("\nposition (24899, 14436, 3739) in voxels of 8 × 8 × 42 nm\n"))
        #expect(text.contains("\n  segmentation  segmentation  2 selected\n"))
        #expect(text.hasSuffix("\n  points        annotation    1 annotation"))
        let html = try #require(bundle.text("text/html"))
        #expect(html.contains("<table"))
        #expect(html.contains("target=\"_blank\""))
        #expect(bundle.data["application/json"] == nil)
        #expect(bundle.data[SceneCommandTests.vendor]?.objectValue != nil)
    }

    @Test("format=json gives the state as application/json with pretty text")
    func json() async throws {
        let (kernel, url) = try await Self.kernelWithLink()
        let bundle = try #require(await kernel.run("decode link format=json"))
        let json = try #require(bundle.data["application/json"])
        #expect(json == (try NeuroglancerURL.decode(url)).json)
        #expect(bundle.text("text/plain")?.contains("\n  \"layers\" : [") == true)
        #expect(bundle.data["text/html"] == nil)
    }

    @Test("format=table lists each selected segment with its layer and visibility")
    func table() async throws {
        let kernel = Kernel()
        kernel.interpreter.session.bind(name: "link", value: .string(Self.foreignURL))
        await kernel.run("let t = decode link format=table")
        let table = try #require(kernel.interpreter.session.variable(named: "t")?.asTable)
        #expect(table.columns == ["id", "layer", "visible"])
        #expect(table.rows == [[11, "seg", true], [12, "seg", false]])
        // The table's IDs, with their visibility, feed a new scene.
        let url = try #require(await kernel.run("t | scene")?.text("text/plain"))
        let segmentation = try NeuroglancerURL.decode(url).layer(named: "segmentation")?.segmentation
        #expect(segmentation?.visibleSegments == [11])
        #expect(segmentation?.hiddenSegments == [12])
    }

    @Test("decode | scene keeps the decoded layers and adds segments, colours, position and layout")
    func reencode() async throws {
        let (kernel, _) = try await Self.kernelWithLink()
        let url = try #require(await kernel.run(
            #"decode link | scene segments=[720575940621039145] colors={720575940621039145: "blue"} position=(1, 2, 3) layout="3d""#)?
            .text("text/plain"))
        let state = try NeuroglancerURL.decode(url)
        #expect(state.layers.map(\.name) == ["image", "segmentation", "points"])
        let segmentation = try #require(state.layer(named: "segmentation")?.segmentation)
        #expect(segmentation.visibleSegments == [576460752664524086, 576460752590602315, 720575940621039145])
        #expect(segmentation.segmentColors.mapValues(\.hex) == [576460752664524086: "#ff0000", 720575940621039145: "#0000ff"])
        #expect(state.position == [1, 2, 3])
        #expect(state.layout?.type == "3d")
        #expect(state.layer(named: "points")?.annotationLayer?.annotations.count == 1)
    }

    @Test("a foreign state keeps its layer names, unknown members and viewer when changed")
    func foreignState() async throws {
        let kernel = Kernel()
        kernel.interpreter.session.bind(name: "link", value: .string(Self.foreignURL))
        let url = try #require(await kernel.run("decode link | scene segments=[13] hidden=[11] points=[(5, 5, 5)]")?.text("text/plain"))
        #expect(url.hasPrefix("https://spelunker.cave-explorer.org/#!"))
        let state = try NeuroglancerURL.decode(url)
        #expect(state.layers.map(\.name) == ["em", "seg", "points"])
        let seg = try #require(state.layer(named: "seg")?.segmentation)
        #expect(seg.segments == [SegmentSelection(11, visible: false), SegmentSelection(12, visible: false), SegmentSelection(13)])
        #expect(seg.extra["hoverHighlight"] == .bool(false))
        #expect(state.extra["crossSectionOrientation"] != nil)
        #expect(state.layout?.type == "4panel")
        #expect(state.layer(named: "points")?.annotationLayer?.extra["linkedSegmentationLayer"] == nil)
        // Layer switches remove and add layers.
        let noImage = try NeuroglancerURL.decode(try #require(await kernel.run("decode link | scene image=false")?.text("text/plain")))
        #expect(noImage.layers.map(\.name) == ["seg"])
    }

    @Test("decode takes a scene value, a variable and a literal link alike")
    func inputs() async throws {
        let (kernel, url) = try await Self.kernelWithLink()
        await kernel.run(Self.sceneCell.replacingOccurrences(of: "scene ", with: "let s = scene ", options: .anchored))
        let fromScene = try #require(await kernel.run("decode s format=json")?.data["application/json"])
        let fromLiteral = try #require(await kernel.run("decode \"\(url)\" format=json")?.data["application/json"])
        #expect(fromScene == fromLiteral)
    }

    @Test("state-server links are fetched through the transport with the stored token, which is never shown")
    func stateServer() async throws {
        let stateJSON = #"{"layers":[{"type":"segmentation","source":"graphene://https://x/seg","name":"seg","segments":["42"]}],"position":[1,2,3]}"#
        let transport = CannedTransport(["https://global.daf-apis.com/nglstate/api/v1/5170543917465600": (200, stateJSON)])
        let kernel = Kernel(transport: transport)
        await kernel.run("token \"s3cret-token\"")
        let link = "https://spelunker.cave-explorer.org/#!middleauth+https://global.daf-apis.com/nglstate/api/v1/5170543917465600"
        let bundle = try #require(await kernel.run("decode \"\(link)\""))
        #expect(bundle.text("text/plain")?.contains("  seg  segmentation  1 selected") == true)
        let request = try #require(transport.requests.first)
        #expect(request.url == "https://global.daf-apis.com/nglstate/api/v1/5170543917465600")
        #expect(request.headers["Authorization"] == "Bearer s3cret-token")
        let listing = try #require(await kernel.run("token list")?.text("text/plain"))
        #expect(!listing.contains("s3cret"))
        #expect(!kernel.context.stdout.contains("s3cret"))

        // The decoded scene re-encodes inline, on the viewer it came from.
        let url = try #require(await kernel.run("decode \"\(link)\" | scene segments=[43]")?.text("text/plain"))
        #expect(url.hasPrefix("https://spelunker.cave-explorer.org/#!%7B"))
        #expect(try NeuroglancerURL.decode(url).layer(named: "seg")?.segmentation?.visibleSegments == [42, 43])
    }

    @Test("json_url links work, a per-host token wins, and a refused token is an AuthError")
    func jsonURLAndAuth() async throws {
        let transport = CannedTransport([
            "https://state.example.org/nglstate/api/v1/7": (200, #"{"layers":[]}"#),
            "https://state.example.org/nglstate/api/v1/8": (401, "unauthorized"),
        ])
        let kernel = Kernel(transport: transport)
        await kernel.run("token \"general\"")
        await kernel.run("token \"specific\" host=\"state.example.org\"")
        await kernel.run("decode \"https://neuroglancer-demo.appspot.com/?json_url=https://state.example.org/nglstate/api/v1/7\"")
        #expect(transport.requests.last?.headers["Authorization"] == "Bearer specific")
        let report = try #require(await kernel.failure("decode \"https://spelunker.cave-explorer.org/#!middleauth+https://state.example.org/nglstate/api/v1/8\""))
        #expect(report.ename == "AuthError")
        #expect(report.evalue.contains("answered 401"))
        #expect(!report.evalue.contains("specific"))
    }

    @Test("a JSON document from format=json is a scene again, and show displays scenes mid-cell")
    func jsonBackToScene() async throws {
        let (kernel, _) = try await Self.kernelWithLink()
        let url = try #require(await kernel.run("decode link format=json | scene segments=[9]")?.text("text/plain"))
        #expect(try NeuroglancerURL.decode(url).layer(named: "segmentation")?.segmentation?.visibleSegments
            == [576460752664524086, 576460752590602315, 9])
        await kernel.run("show (scene 5); print \"done\"")
        let shown = kernel.context.events.compactMap { event -> MimeBundle? in
            if case .display(let bundle, _) = event { return bundle } else { return nil }
        }
        #expect(shown.count == 1)
        #expect(shown.first?.text("text/html")?.contains("target=\"_blank\"") == true)
        #expect(shown.first?.data["application/json"] == nil)
        #expect(kernel.context.stdout == "done\n")
    }
}
