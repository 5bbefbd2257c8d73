import CommandLanguage
import ConnectomeCore
import JSONModel
import JupyterProtocol
import Testing
@testable import ConnectomeKernel

@Suite("valid")
struct ValidCommandTests {
    static let crantRoot = "576460752664524086"   // layer 8
    static let flywireRoot = "720575940621039145" // layer 10
    static let supervoxel = "74029213930668373"   // layer 1

    func table(_ kernel: Kernel, _ cell: String) async throws -> Table {
        await kernel.run("let result = " + cell)
        return try #require(kernel.interpreter.session.variable(named: "result")?.asTable, "\(cell)")
    }

    @Test("root IDs are checked against the dataset's 8 layers, offline")
    func rootOnSample() async throws {
        let kernel = Kernel()
        let result = try await table(kernel, "valid root [\(Self.crantRoot), \(Self.flywireRoot), \(Self.supervoxel)]")
        #expect(result.columns == ["id", "layer", "valid"])
        #expect(result.rows == [[576460752664524086, 8, true], [720575940621039145, 10, false], [74029213930668373, 1, false]])
        #expect(result.title?.contains("dataset sample") == true)
        #expect(result.footer == "1 of 3 IDs is a well-formed root ID")
    }

    @Test("layers= checks FlyWire-style IDs; supervoxels are layer 1")
    func overridesAndSupervoxels() async throws {
        let kernel = Kernel()
        let flywire = try await table(kernel, "valid root [\(Self.crantRoot), \(Self.flywireRoot)] layers=10")
        #expect(flywire.column("valid") == [false, true])
        let supervoxels = try await table(kernel, "valid supervoxel \"\(Self.supervoxel), \(Self.crantRoot)\"")
        #expect(supervoxels.column("valid") == [true, false])
        let narrow = try await table(kernel, "valid root 2305843009213693952 layers=1 layer_bits=3")
        #expect(narrow.rows == [[2305843009213693952, 1, true]])
    }

    @Test("the CRANT preset is used when it is the current dataset")
    func crant() async throws {
        let kernel = Kernel()
        kernel.interpreter.state.dataset = .crant
        let result = try await table(kernel, "valid root \(Self.crantRoot)")
        #expect(result.title?.contains("dataset crant") == true)
        #expect(result.column("valid") == [true])
    }

    @Test("IDs come from a scene, a decoded table and a pipe")
    func sources() async throws {
        let kernel = Kernel()
        await kernel.run("let s = scene [\(Self.crantRoot), \(Self.flywireRoot)] hidden=[\(Self.supervoxel)]")
        #expect(try await table(kernel, "valid root s").column("valid") == [true, false, false])
        #expect(try await table(kernel, "decode s format=table | valid root").column("layer") == [8, 10, 1])
        #expect(try await table(kernel, "s | valid supervoxel").column("valid") == [false, false, true])
    }

    @Test("100,000 IDs from a list or a string give a full table and a short display")
    func manyIDs() async throws {
        let kernel = Kernel()
        let base: UInt64 = 576460752664524086
        let ids = (0..<100_000).map { Value.int(Int128(base + UInt64($0) * 1_000_003)) }
        kernel.interpreter.session.bind(name: "ids", value: .list(ids))
        let bundle = try #require(await kernel.run("valid root ids"))
        #expect(bundle.text("text/html")?.contains("more rows") == true)
        #expect(bundle.text("text/plain")?.contains("100,000 of 100,000 IDs are well-formed root IDs") == true)
        let fromList = try await table(kernel, "valid root ids")
        #expect(fromList.rows.count == 100_000)
        #expect(fromList.rows[99_999][0] == ids[99_999])

        let text = ids.map(\.plainText).joined(separator: " ")
        kernel.interpreter.session.bind(name: "text", value: .string(text))
        let fromString = try await table(kernel, "valid root text layers=9")
        #expect(fromString.rows.count == 100_000)
        #expect(fromString.footer == "0 of 100,000 IDs are well-formed root IDs")
    }

    @Test("a dataset without a graph layout is an error that names it and the fix")
    func unknownLayout() async throws {
        let kernel = Kernel()
        kernel.interpreter.state.dataset = DatasetDescription(name: "custom", imageLayers: [("image", "precomputed://file:///x")],
                                                              voxelSize: [4, 4, 40])
        let report = try #require(await kernel.failure("valid root 1"))
        #expect(report.ename == "ArgumentError")
        #expect(report.evalue.contains("dataset custom"))
        #expect(report.evalue.contains("dataset crant"))
        #expect(report.evalue.contains("valid root IDS layers=8"))
        #expect(try await table(kernel, "valid root 1 layers=8").column("valid") == [false])
    }
}
