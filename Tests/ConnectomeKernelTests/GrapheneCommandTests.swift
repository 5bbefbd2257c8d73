import CommandLanguage
import ConnectomeCore
import Foundation
import JSONModel
import ImageCodecs
import JupyterProtocol
import Testing
import TestSupport
@testable import ConnectomeKernel

/// `segment at`, `slice` and `supervoxels bounds=` on CRANT's graphene:// segmentation, against a
/// scripted CAVE: the watershed is read without the token, roots are asked with it, at= is sent.
@Suite("graphene commands")
struct GrapheneCommandTests {
    static let graphInfo = #"""
        {"data_dir": "gs://bucket/ws", "app": {"supported_api_versions": [0, 1]}, "type": "segmentation", "data_type": "uint64",
         "num_channels": 1, "graph": {"chunk_size": [64, 64, 64], "n_layers": 8},
         "scales": [{"key": "8_8_42", "size": [8, 8, 2], "resolution": [8, 8, 42], "voxel_offset": [100, 200, 0],
                     "chunk_sizes": [[4, 4, 1]], "encoding": "raw"}]}
        """#

    /// CRANT's info service, the chunked graph's info, a 4 × 4 chunk of supervoxels 11, 12, 13, 0 (by column),
    /// roots = supervoxel + 1000 (13 unknown: 0), and leaves.
    static func transport() -> ScriptedTransport { ScriptedTransport { request in
        let url = request.url
        let table = "https://data.proofreading.zetta.ai/segmentation/api/v1/table/kronauer_ant_x1"
        switch url {
        case "https://proofreading.zetta.ai/info/api/v2/datastack/full/kronauer_ant":
            return ScriptedTransport.json(CaveCommandTests.info, url: url)
        case "https://data.proofreading.zetta.ai/segmentation/table/kronauer_ant_x1/info":
            return ScriptedTransport.json(graphInfo, url: url)
        case "https://storage.googleapis.com/bucket/ws/8_8_42/100-104_200-204_0-1":
            var body = Data()
            for _ in 0..<4 { for column in 0..<4 { withUnsafeBytes(of: UInt64(column == 3 ? 0 : 11 + column).littleEndian) { body.append(contentsOf: $0) } } }
            return HTTPResponse(status: 200, headers: ["content-type": "application/octet-stream"], body: body, url: url)
        case let url where url.hasPrefix(table + "/roots_binary?timestamp="):
            var out = Data()
            for index in 0..<(request.body!.count / 8) {
                let id = request.body!.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
                withUnsafeBytes(of: (id == 13 ? 0 : id + 1000).littleEndian) { out.append(contentsOf: $0) }
            }
            return HTTPResponse(status: 200, headers: ["content-type": "application/octet-stream"], body: out, url: url)
        case let url where url.hasPrefix(table + "/node/9/leaves"):
            return ScriptedTransport.json(#"{"leaf_ids": [11, 12]}"#, url: url)
        default:
            return ScriptedTransport.json(#"{"message":"no"}"#, status: 404, url: url)
        }
    } }

    static func crant() async throws -> (Kernel, ScriptedTransport) {
        let transport = transport()
        let kernel = Kernel(transport: transport, caveSecrets: try CaveCommandTests.secrets(token: "tok"))
        await kernel.run("dataset crant")
        return (kernel, transport)
    }

    @Test("segment at: the root of the watershed's supervoxel at at=, one roots call; layer=\"supervoxel\" keeps it; the token stays on the CAVE host")
    func segmentAt() async throws {
        let (kernel, transport) = try await Self.crant()
        #expect(try #require(await kernel.run("segment at (101, 202, 0)")?.text("text/plain")) == "1012")
        #expect(try #require(await kernel.run("segment at [(100, 200, 0), (102, 203, 0), (103, 200, 0), (0, 0, 0)] at=1700000000")?.text("text/plain"))
            == "[1011, 0, 0, 0]")
        let roots = transport.requests.filter { $0.url.contains("/roots_binary") }
        #expect(roots.count == 2 && roots[1].url.hasSuffix("?timestamp=1700000000") && roots[1].body!.count == 16)
        #expect(try #require(await kernel.run("segment at (102, 203, 0) layer=\"supervoxel\"")?.text("text/plain")) == "13")
        #expect(transport.requests.filter { $0.url.contains("/roots_binary") }.count == 2)
        for request in transport.requests {
            let storage = request.url.hasPrefix("https://storage.googleapis.com/")
            #expect((request.headers["Authorization"] == "Bearer tok") == !storage, "\(request.url)")
        }
        let wrong = try #require(await kernel.failure("segment at (101, 202, 0) layer=\"l2\""))
        #expect(wrong.ename == "ArgumentError" && wrong.evalue.contains("not root or supervoxel"))
    }

    @Test("slice layer=segmentation colours by root: one roots call per section, the summary counts supervoxels and roots")
    func sliceByRoot() async throws {
        let (kernel, transport) = try await Self.crant()
        let bundle = try #require(await kernel.run("slice x=102 y=202 z=0 size=4 layer=segmentation at=\"2024-01-01T00:00:00\""))
        let summary = try #require(bundle.text("text/plain"))
        #expect(summary.contains("3 supervoxels → 2 roots at 2024-01-01T00:00:00Z") && summary.contains("1 unknown to the graph"), "\(summary)")
        let roots = transport.requests.filter { $0.url.contains("/roots_binary") }
        #expect(roots.count == 1 && roots[0].url.hasSuffix("?timestamp=1704067200") && roots[0].body!.count == 24)
        // The colours are the roots' (1011 and 1012), not the supervoxels'.
        let colours = Set([SegmentID(1011), SegmentID(1012)].map { $0.displayColor })
        guard case .string(let base64)? = bundle.data["image/png"], let png = Data(base64Encoded: base64) else { Issue.record("no png"); return }
        let image = try PNGCodec.decode(png)
        let row = (0..<4).map { column in RGBColor(red: image.pixels[column * 3], green: image.pixels[column * 3 + 1], blue: image.pixels[column * 3 + 2]) }
        #expect(Set(row[0..<2]) == colours && row[2] == row[3])
    }

    @Test("supervoxels bounds= sends CAVEclient's bounds; bad bounds are ArgumentErrors before any request")
    func supervoxelBounds() async throws {
        let (kernel, transport) = try await Self.crant()
        let table = try #require(await kernel.run("supervoxels 9 bounds=[(0, 64), (64, 128), (0, 8)]")?.text("text/plain"))
        #expect(table.contains("11") && table.contains("12"))
        #expect(transport.requests.last?.url.hasSuffix("/node/9/leaves?stop_layer=1&bounds=0-64_64-128_0-8") == true)
        _ = await kernel.run("supervoxels 9 bounds=\"0-64_64-128_0-8\"")
        #expect(transport.requests.last?.url.hasSuffix("&bounds=0-64_64-128_0-8") == true)
        let count = transport.requests.count
        for (cell, words) in [("supervoxels 9 bounds=[(0, 64), (0, 64)]", "2 axes"), ("supervoxels 9 bounds=[(64, 0), (0, 64), (0, 8)]", "x (64, 0)"),
                              ("supervoxels 9 bounds=[(-8, 0), (0, 64), (0, 8)]", "x (-8, 0)"), ("supervoxels 9 bounds=[(0, 1.5), (0, 64), (0, 8)]", "not an integer"),
                              ("supervoxels 9 bounds=\"0-64\"", "x0-x1_y0-y1_z0-z1"), ("supervoxels 9 bounds=5", "not three")] {
            let report = try #require(await kernel.failure(cell), "\(cell)")
            #expect(report.ename == "ArgumentError" && report.evalue.contains(words), "\(cell): \(report.evalue)")
        }
        #expect(transport.requests.count == count)
    }

    @Test("graphene without a token asks for one before any request; at= and layer=\"supervoxel\" on a precomputed segmentation are ArgumentErrors")
    func errors() async throws {
        let quiet = ScriptedTransport { _ in Issue.record("no request without a token"); throw CancellationError() }
        let kernel = Kernel(transport: quiet, caveSecrets: try CaveCommandTests.secrets(token: nil))
        await kernel.run("dataset crant")
        let report = try #require(await kernel.failure("segment at (1, 2, 3)"))
        #expect(report.ename == "AuthError" && report.evalue.contains("needs a CAVE token for proofreading.zetta.ai"))
        #expect(quiet.requests.isEmpty)

        let sample = Kernel(sampleDirectory: SliceCommandTests.directory)
        for (cell, words) in [("segment at (1, 2, 3) at=now", "at= is for graphene:// segmentations"),
                              ("segment at (1, 2, 3) layer=\"supervoxel\"", "layer= is for graphene:// segmentations"),
                              ("slice x=96 y=80 z=10 size=64 overlay=true at=1700000000", "at= is for graphene:// segmentations")] {
            let failure = try #require(await sample.failure(cell), "\(cell)")
            #expect(failure.ename == "ArgumentError" && failure.evalue.contains(words), "\(cell): \(failure.evalue)")
        }
    }

    @Test("the CRANT preset carries the brain mesh, nuclei and merge-biased sources; scenes use them as crantpy's template")
    func crantPreset() async throws {
        let kernel = Kernel(transport: ScriptedTransport { _ in throw CancellationError() }, caveSecrets: try CaveCommandTests.secrets(token: nil))
        let shown = try #require(await kernel.run("dataset crant")?.text("text/plain"))
        #expect(shown.contains("gs://dkronauer-ant-001-alignment-final/tissue_mesh/mesh#type=mesh"))
        #expect(shown.contains("gs://dkronauer-ant-001-segmentations-prod/nucleus/240910-nucleus"))
        #expect(shown.contains("gs://dkronauer-ant-001-segmentations-prod/ng/seg/240904-finetune-v3.2-0.21-size-1x"))
        let url = try #require(await kernel.run("scene 576460752664524086 nuclei=true merge_biased=true")?.text("text/plain"))
        let state = try NeuroglancerURL.decode(url)
        #expect(state.layers.map(\.name) == ["image", "segmentation", "brain mesh", "merge-biased segmentation", "nuclei"])
        let mesh = try #require(state.layer(named: "brain mesh")?.segmentation)
        #expect(mesh.visibleSegments == [SegmentID(1)] && mesh.objectAlpha == 0.11 && mesh.segmentQuery == "1")
        #expect(mesh.extra["hoverHighlight"] == .bool(false))
        #expect(state.layer(named: "nuclei")?.segmentation?.visible == false)
        let plain = try NeuroglancerURL.decode(try #require(await kernel.run("scene 576460752664524086")?.text("text/plain")))
        #expect(plain.layers.map(\.name) == ["image", "segmentation", "brain mesh"])  // crantpy's defaults: layers 1-3
    }

    @Test("a list of whole numbers reads as the element-by-element loop reads it; any other element falls back to it")
    func plainIDListsEqualTheGeneralLoop() throws {
        let values: [Value] = [.int(0), .int(576_460_752_664_524_086), .int(Int128(UInt64.max)), .int(42)]
        let plain = try #require(IDArguments.plainIDs(values))
        #expect(plain == values.enumerated().map { try! IDArguments.id($1, position: $0 + 1) })
        #expect(try IDArguments.ids(in: .list(values)).map(\.rawValue) == [0, 576_460_752_664_524_086, UInt64.max, 42])
        #expect(IDArguments.plainIDs([]) == [])
        for odd: Value in [.int(-1), .int(Int128(UInt64.max) + 1), .string("12"), .float(3), .bool(true)] {
            #expect(IDArguments.plainIDs([.int(1), odd, .int(2)]) == nil)
        }
        // The general loop still reads strings and whole floats, and words the error with the position.
        #expect(try IDArguments.ids(in: .list([.int(1), .string("12"), .float(3)])).map(\.rawValue) == [1, 12, 3])
        do {
            _ = try IDArguments.ids(in: .list([.int(1), .int(2), .int(-5)]))
            Issue.record("a negative element read as an ID")
        } catch {
            #expect(error.message.contains("element 3 of the list, -5,"), "\(error.message)")
        }
    }

    @Test("update's table pipes on as the current IDs (its new_id column)")
    func updateTablePipes() throws {
        let table = Table(title: "IDs updated", columns: ["old_id", "new_id", "confidence", "changed"],
                          rows: [[.int(1), .int(10), .float(1), .bool(true)], [.int(2), .int(2), .float(1), .bool(false)]])
        #expect(try IDArguments.ids(in: .table(table)).map(\.rawValue) == [10, 2])
    }
}
