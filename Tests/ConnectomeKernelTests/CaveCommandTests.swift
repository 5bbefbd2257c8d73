import ConnectomeCore
import Foundation
import JupyterProtocol
import Testing
import TestSupport
@testable import ConnectomeKernel

/// The CAVE side of the kernel: `dataset crant` with and without a token, the chunked-graph
/// commands' arguments and errors, and `token`'s hidden prompt.
@Suite("CAVE commands")
struct CaveCommandTests {
    static let info = #"{"aligned_volume":{"image_source":"precomputed://gs://dkronauer-ant-001-alignment-final/aligned"},"segmentation_source":"graphene://https://data.proofreading.zetta.ai/segmentation/table/kronauer_ant_x1","local_server":"https://data.proofreading.zetta.ai","viewer_site":"https://spelunker.cave-explorer.org","synapse_table":"synapses_v2","soma_table":"somas","viewer_resolution_x":8,"viewer_resolution_y":8,"viewer_resolution_z":42}"#

    static func secrets(token: String?) throws -> CaveSecrets {
        let secrets = CaveSecrets(directory: FileManager.default.temporaryDirectory.appendingPathComponent("cave-cmd-\(UUID().uuidString)").path)
        if let token { try secrets.save(token, for: []) }
        return secrets
    }

    static func crantTransport() -> ScriptedTransport { ScriptedTransport { request in
        switch request.url {
        case "https://proofreading.zetta.ai/info/api/v2/datastack/full/kronauer_ant":
            return ScriptedTransport.json(info, url: request.url)
        case let url where url.hasPrefix("https://data.proofreading.zetta.ai/segmentation/api/v1/table/kronauer_ant_x1/is_latest_roots?timestamp="):
            return ScriptedTransport.json(#"{"is_latest":[true,false]}"#, url: url)
        default:
            return ScriptedTransport.json(#"{"message":"no"}"#, status: 404, url: request.url)
        }
    } }

    @Test("without a token dataset crant is the preset, says how to set one, and the graph commands ask for it before any request")
    func crantWithoutToken() async throws {
        let transport = ScriptedTransport { _ in Issue.record("no request without a token"); throw CancellationError() }
        let kernel = Kernel(transport: transport, caveSecrets: try Self.secrets(token: nil))
        await kernel.run("dataset crant")
        #expect(kernel.context.events.contains { if case .stream(.stderr, let text) = $0 { text.contains("Run token") } else { false } })
        let report = try #require(await kernel.failure("latest 576460752664524086"))
        #expect(report.ename == "AuthError")
        #expect(report.evalue.contains("needs a CAVE token for proofreading.zetta.ai") && report.evalue.contains("Run token"))
        #expect(report.evalue.contains("proofreading.zetta.ai-cave-secret.json"))
        #expect(transport.requests.isEmpty)
    }

    @Test("with a saved token dataset crant reads the datastack, and latest asks the local server with it")
    func crantWithToken() async throws {
        let transport = Self.crantTransport()
        let kernel = Kernel(transport: transport, caveSecrets: try Self.secrets(token: "saved-tok"))
        let shown = try #require(await kernel.run("dataset crant")?.text("text/plain"))
        #expect(shown.contains("graphene://middleauth+https://data.proofreading.zetta.ai/segmentation/table/kronauer_ant_x1"))
        let table = try #require(await kernel.run("latest [576460752664524086, 576460752590602315] at=\"2025-01-31T12:00:00\"")?.text("text/plain"))
        #expect(table.contains("576460752664524086  True") && table.contains("576460752590602315  False"))
        #expect(table.contains("1 of 2 IDs is current"))
        let request = try #require(transport.requests.last)
        #expect(request.url.hasSuffix("timestamp=1738324800"))  // naive ISO = UTC
        #expect(request.headers["Authorization"] == "Bearer saved-tok" && request.headers["X-Requested-With"] != nil)
        #expect(!shown.contains("saved-tok") && !table.contains("saved-tok"))
    }

    @Test("graph commands on a dataset that is not CAVE, bad timestamps and too many roots are ArgumentErrors")
    func argumentErrors() async throws {
        let kernel = Kernel(transport: Self.crantTransport(), caveSecrets: try Self.secrets(token: "t"))
        let notCave = try #require(await kernel.failure("latest 1"))
        #expect(notCave.ename == "ArgumentError" && notCave.evalue.contains("not a CAVE datastack"))
        await kernel.run("dataset crant")
        for (cell, words) in [("latest 1 at=\"yesterday\"", "not a timestamp"), ("latest 1 at=5000000000", "4102444800"), ("supervoxels [1, 2]", "one root ID"),
                              ("update [1, 2] supervoxels=[3]", "2 IDs but 1 supervoxel")] {
            let report = try #require(await kernel.failure(cell), "\(cell)")
            #expect(report.ename == "ArgumentError" && report.evalue.contains(words), "\(cell): \(report.evalue)")
        }
        let server = try #require(await kernel.failure("dataset cave server=\"http://cave.example.org\" datastack=\"x\""))
        #expect(server.evalue.contains("plain http"))
    }

    @Test("token alone asks with a hidden prompt and saves the datastack's files, never showing the token")
    func tokenPrompt() async throws {
        let secrets = try Self.secrets(token: nil)
        let transport = Self.crantTransport()
        let kernel = Kernel(transport: transport, caveSecrets: secrets)
        await kernel.run("dataset crant")
        kernel.context.answers.withLock { $0 = ["prompted-tok\n"] }
        await kernel.run("token")
        #expect(kernel.context.prompts.withLock { $0.map(\.1) } == [true])
        let files = try FileManager.default.contentsOfDirectory(atPath: secrets.directory).sorted()
        #expect(files == ["cave-secret.json", "proofreading.zetta.ai-cave-secret.json"])
        #expect(try secrets.token(for: "https://proofreading.zetta.ai", shared: false)?.token == "prompted-tok")
        #expect(kernel.context.stdout.contains("token saved for proofreading.zetta.ai") && !kernel.context.stdout.contains("prompted-tok"))
        // The token now works for the preset: the datastack is read at the first graph command.
        await kernel.run("latest [1, 2]")
        #expect(transport.requests.contains { $0.headers["Authorization"] == "Bearer prompted-tok" })
        let listing = try #require(await kernel.run("token list")?.text("text/plain"))
        #expect(listing.contains("proofreading.zetta.ai") && !listing.contains("prompted-tok"))
        // Without a front end that takes input, token alone says how else to save one.
        let refused = try #require(await kernel.failure("token"))
        #expect(refused.evalue.contains("does not take input"))
    }
}
