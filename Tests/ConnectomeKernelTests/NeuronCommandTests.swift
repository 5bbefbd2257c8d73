import ConnectomeCore
import Foundation
import JupyterProtocol
import Testing
@testable import ConnectomeKernel

/// `neurons`, `annotations`, the table commands, `synapses`, `partners`, `adjacency` and the
/// skeleton commands through the interpreter, on small hand-written files whose answers are
/// counted by hand below (no sample needed).
@Suite("neuron commands")
struct NeuronCommandTests {
    /// Four neurons; IDs 1 and 2 above 2^63, 3 and 4 small.
    static let big1 = "18446744073709551601", big2 = "18446744073709551602"
    static let neuronsCSV = """
        root_id,cell_class,cell_type,side,status,proofread,position
        \(big1),kenyon_cell,KC_ab,left,"[""proofread"", ""backbone""]",True,"[10, 20, 30]"
        \(big2),Kenyon_Cell,KC_g,right,"[""proofread""]",False,"[1, 2, 3]"
        3,projection_neuron,PN_DA1,left,"[""backbone""]",True,"[5, 5, 5]"
        4,,,right,[],False,
        """

    /// Synapses (pre → post): big1→big2 ×3, big1→3 ×2, 3→big1 ×1, big2→big2 (autapse) ×2,
    /// 0→3 (zero root) ×1, 4→big1 ×1 (size 1).
    static let synapsesCSV = """
        id,pre_pt_root_id,post_pt_root_id,size,pre_pt_position
        1,\(big1),\(big2),10,"[1, 1, 1]"
        2,\(big1),\(big2),20,"[2, 2, 2]"
        3,\(big1),\(big2),30,"[3, 3, 3]"
        4,\(big1),3,40,"[4, 4, 4]"
        5,\(big1),3,50,"[5, 5, 5]"
        6,3,\(big1),60,"[6, 6, 6]"
        7,\(big2),\(big2),70,"[7, 7, 7]"
        8,\(big2),\(big2),80,"[8, 8, 8]"
        9,0,3,90,"[9, 9, 9]"
        10,4,\(big1),1,"[1, 0, 0]"
        """

    /// Connection level, Codex names: the same pairs with counts.
    static let connectionsCSV = """
        pre_root_id,post_root_id,syn_count,neuropil
        \(big1),\(big2),2,MB_CA_L
        \(big1),\(big2),1,MB_PED_L
        \(big1),3,2,AL_L
        3,\(big1),1,AL_L
        """

    /// A kernel with those files as the dataset's tables (and a skeleton source).
    static func kernel(synapses: String = synapsesCSV) async throws -> (Kernel, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neuroncmd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/skeletons", withIntermediateDirectories: true)
        try Data(neuronsCSV.utf8).write(to: URL(fileURLWithPath: directory + "/neurons.csv"))
        try Data(synapses.utf8).write(to: URL(fileURLWithPath: directory + "/synapses.csv"))
        // A Y-shaped skeleton of neuron 3, root 0 at its soma: voxel (5, 5, 5) = (40, 40, 210) nm.
        let info = SkeletonInfo()
        let skeleton = try Skeleton(segmentID: SegmentID(3), parents: [-1, 0, 1, 1],
                                    x: [40, 40, 1040, 40], y: [40, 1040, 1040, 2040], z: [210, 210, 210, 210],
                                    radius: [5, 2, 1, 1])
        try info.json.serialized().write(to: URL(fileURLWithPath: directory + "/skeletons/info"))
        try PrecomputedSkeleton.encode(skeleton, info: info).write(to: URL(fileURLWithPath: directory + "/skeletons/3"))
        let kernel = Kernel(sampleDirectory: directory + "/no-sample")
        await kernel.run("dataset neurons=\"file://\(directory)/neurons.csv\" synapses=\"file://\(directory)/synapses.csv\" skeletons=\"precomputed://file://\(directory)/skeletons\"")
        return (kernel, directory)
    }

    static func plain(_ bundle: MimeBundle?) -> String { bundle?.text("text/plain") ?? "" }

    /// The data rows of a table's text (after the dashes under the header, before the size line), split into cells.
    static func rows(_ text: String) -> [[String]] {
        let lines = text.split(separator: "\n").map(String.init)
        guard let dashes = lines.firstIndex(where: { $0.hasPrefix("--") }) else { return [] }
        return lines[(dashes + 1)...].prefix { !$0.contains(" rows × ") && !$0.contains(" row × ") }
            .map { $0.split(separator: " ").map(String.init) }
    }

    // MARK: - neurons and annotations

    @Test("neurons: case-insensitive exact by default, lists are any-of, list columns, ANDed criteria")
    func filters() async throws {
        let (kernel, _) = try await Self.kernel()
        #expect(Self.plain(await kernel.run("neurons cell_class=\"kenyon_cell\" | count")) == "2")
        #expect(Self.plain(await kernel.run("neurons cell_class=\"kenyon_cell\" case=true | count")) == "1")
        #expect(Self.plain(await kernel.run("neurons cell_type=\"KC\" exact=false | count")) == "2")
        #expect(Self.plain(await kernel.run("neurons cell_type=[\"KC_g\", \"PN_DA1\"] | count")) == "2")
        #expect(Self.plain(await kernel.run("neurons status=\"backbone\" | count")) == "2")
        #expect(Self.plain(await kernel.run("neurons status=[\"proofread\", \"backbone\"] match_all=true | ids")) == "[\(Self.big1)]")
        #expect(Self.plain(await kernel.run("neurons side=\"left\" proofread=true | count")) == "2")
        #expect(Self.plain(await kernel.run("neurons cell_type=\"^KC_(ab|g)$\" regex=true | count")) == "2")
        // No criteria: every row, the row count shown.
        let all = Self.plain(await kernel.run("neurons"))
        #expect(all.contains("4 rows × 7 columns"))
    }

    @Test("neurons: no match, unknown field, bad regex and null are errors that say what to do")
    func filterErrors() async throws {
        let (kernel, _) = try await Self.kernel()
        let none = await kernel.failure("neurons cell_class=\"ghost\"")
        #expect(none?.ename == "NoMatchesError")
        #expect(none?.evalue.contains("cell_class=\"ghost\"") == true || none?.evalue.contains("cell_class") == true)
        let unknown = await kernel.failure("neurons cell_clas=\"kenyon_cell\"")
        #expect(unknown?.ename == "ArgumentError")
        #expect(unknown?.evalue.contains("'cell_class'") == true)
        let regex = await kernel.failure("neurons cell_type=\"KC_(\" regex=true")
        #expect(regex?.evalue.contains("does not compile") == true)
        let null = await kernel.failure("neurons side=null")
        #expect(null?.evalue.contains("null never matches") == true)
    }

    @Test("annotations: rows in the order given, IDs not found named")
    func annotations() async throws {
        let (kernel, _) = try await Self.kernel()
        let text = Self.plain(await kernel.run("annotations [3, \(Self.big1), 99]"))
        let lines = text.split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.hasPrefix("3 ") })
        let second = try #require(lines.firstIndex { $0.hasPrefix(Self.big1) })
        #expect(first < second)
        #expect(text.contains("not in the table: 99"))
        #expect(await kernel.failure("annotations [98, 99]")?.ename == "NoMatchesError")
        // What a note says of the data stays under every table a pipeline makes from it.
        let piped = Self.plain(await kernel.run("annotations [3, \(Self.big1), 99] | sort root_id | select root_id | head 1"))
        #expect(piped.contains("not in the table: 99") && piped.contains("first 1 of 2 rows"))
    }

    @Test("completion offers the columns of the table that arrives: after neurons, a table variable, row-only stages")
    func fieldCompletion() async throws {
        let (kernel, _) = try await Self.kernel()
        await kernel.run("neurons | count")
        func complete(_ code: String) -> [String] {
            kernel.interpreter.complete(code: code, cursorPosition: code.unicodeScalars.count).matches
        }
        #expect(complete("neurons cell_c").contains("cell_class="))
        #expect(complete("neurons | where cell_").filter { $0.hasPrefix("cell_") } == ["cell_class=", "cell_type="])
        #expect(complete("neurons side=\"left\" | sort root_id | head 2 | where pro") == ["proofread="])
        await kernel.run("let p = partners \(Self.big1)")
        #expect(complete("p | where we") == ["weight="])
        #expect(complete("p | head 3 | where po") == ["post="])
        // partners changes the columns: no neuron fields are offered after it.
        #expect(complete("neurons | partners | where cell_").isEmpty)
    }

    // MARK: - connectivity, counted by hand

    @Test("partners: weights per pair, heaviest first; autapses and zero roots dropped; directions; threshold")
    func partners() async throws {
        let (kernel, _) = try await Self.kernel()
        let both = Self.plain(await kernel.run("partners \(Self.big1) | select pre post weight"))
        let rows = Self.rows(both)
        #expect(rows.map { $0.last } == ["3", "2", "1", "1"])
        #expect(rows.first == [Self.big1, Self.big2, "3"])
        #expect(rows[1] == [Self.big1, "3", "2"])
        #expect(Self.plain(await kernel.run("partners \(Self.big1) | count")) == "4")  // big2, 3 (out), 3, 4 (in)
        #expect(Self.plain(await kernel.run("partners \(Self.big1) direction=\"upstream\" | count")) == "2")
        #expect(Self.plain(await kernel.run("partners \(Self.big1) direction=\"downstream\" threshold=3 | count")) == "1")
        #expect(Self.plain(await kernel.run("partners \(Self.big2) direction=\"downstream\" | count")) == "0")
        #expect(Self.plain(await kernel.run("partners \(Self.big2) direction=\"downstream\" autapses=true | count")) == "1")
        // Piped from neurons: kenyon cells' outputs.
        #expect(Self.plain(await kernel.run("neurons cell_class=\"kenyon_cell\" | partners direction=\"downstream\" | count")) == "2")
    }

    @Test("synapses: rows by pre, post, both; min_size")
    func synapses() async throws {
        let (kernel, _) = try await Self.kernel()
        #expect(Self.plain(await kernel.run("synapses pre=\(Self.big1) | count")) == "5")
        #expect(Self.plain(await kernel.run("synapses pre=\(Self.big1) post=3 | count")) == "2")
        #expect(Self.plain(await kernel.run("synapses post=3 | count")) == "2")  // the zero root is dropped
        #expect(Self.plain(await kernel.run("synapses pre=\(Self.big1) min_size=25 | count")) == "3")
        #expect(Self.plain(await kernel.run("synapses 3 | count")) == "3")
        #expect(await kernel.failure("synapses")?.ename == "ArgumentError")
        #expect(await kernel.failure("synapses pre=1 min_size=1e300")?.ename == "ArgumentError")
    }

    @Test("a connection-level (Codex) table: recognised, weights summed")
    func connectionLevel() async throws {
        let (kernel, _) = try await Self.kernel(synapses: Self.connectionsCSV)
        #expect(Self.plain(await kernel.run("info synapses")).contains("connection-level"))
        let text = Self.plain(await kernel.run("partners \(Self.big1) direction=\"downstream\""))
        #expect(text.contains("\(Self.big1)  \(Self.big2)  3"))
        #expect(text.contains("\(Self.big1)  3                     2"))
        #expect(await kernel.failure("synapses pre=\(Self.big1) min_size=3")?.evalue.contains("synapse-level") == true)
    }

    @Test("adjacency: rows are sources and columns targets in the order given, with a heatmap")
    func adjacency() async throws {
        let (kernel, _) = try await Self.kernel()
        let bundle = await kernel.run("adjacency [\(Self.big1), 3, \(Self.big2)]")
        let text = Self.plain(bundle)
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let header = try #require(lines.first { $0.first == "pre" })
        #expect(header == ["pre", Self.big1, "3", Self.big2])
        let row1 = try #require(lines.first { $0.first == Self.big1 })
        #expect(row1 == [Self.big1, "0", "2", "3"])
        let row3 = try #require(lines.first { $0.first == Self.big2 })
        #expect(row3 == [Self.big2, "0", "0", "0"])  // the autapse is not counted
        #expect(bundle?.data["image/png"] != nil)
        #expect(bundle?.text("text/html")?.contains("<img src=\"data:image/png;base64,") == true)
        #expect(await kernel.failure("adjacency [1, 2] threshold=0")?.ename == "ArgumentError")
    }

    // MARK: - tables

    @Test("where, sort, head, select, ids, save and load work on any table")
    func tableCommands() async throws {
        let (kernel, directory) = try await Self.kernel()
        #expect(Self.plain(await kernel.run("neurons | where side=\"left\" | count")) == "2")
        let sorted = Self.plain(await kernel.run("partners \(Self.big1) | sort weight | head 1 | select weight"))
        #expect(Self.rows(sorted) == [["1"]])
        #expect(Self.plain(await kernel.run("neurons | sort root_id descending=true | head 1 | ids")) == "[\(Self.big2)]")
        #expect(await kernel.failure("neurons | sort nope")?.evalue.contains("has no column 'nope'") == true)
        #expect(await kernel.failure("neurons | head -1")?.ename == "ArgumentError")
        // Round trips keep IDs above 2^63 and list cells.
        for name in ["out.csv", "out.feather"] {
            await kernel.run("neurons | save \"\(directory)/\(name)\"")
            let back = Self.plain(await kernel.run("load \"\(directory)/\(name)\" | where status=\"backbone\" | ids"))
            #expect(back == "[\(Self.big1), 3]", "\(name)")
        }
        // A variable named like a verb that needs an argument is the variable when it stands alone.
        await kernel.run("let ids = [3, 4]")
        #expect(Self.plain(await kernel.run("ids")) == "[3, 4]")
        #expect(Self.plain(await kernel.run("ids | count")) == "2")
        #expect(Self.plain(await kernel.run("ids (neurons side=\"left\")")) == "[\(Self.big1), 3]")
        // A language table (from valid) goes through the same commands.
        #expect(Self.plain(await kernel.run("valid root [3, 576460752664524086] | where valid=true | count")) == "1")
    }

    // MARK: - skeletons

    @Test("skeleton, nodes, nearest and reroot (at a position and at the soma from the table)")
    func skeletons() async throws {
        let (kernel, _) = try await Self.kernel()
        let bundle = await kernel.run("let sk = skeleton 3\nsk")
        #expect(bundle?.data["image/png"] != nil)
        // JupyterLab shows the HTML: the picture with the numbers under it.
        let html = bundle?.text("text/html") ?? ""
        #expect(html.contains("<img src=\"data:image/png;base64,") && html.contains("<figcaption>") && html.contains("4 nodes"))
        #expect(Self.plain(bundle).contains("4 nodes"))
        #expect(Self.plain(bundle).contains("1 branch point"))
        #expect(Self.plain(await kernel.run("nodes sk | count")) == "4")
        let near = Self.plain(await kernel.run("nearest [(1000, 1000, 210), (0, 2100, 210)] of sk distance=true"))
        #expect(Self.rows(near).map { $0.first } == ["2", "3"])
        let rerooted = Self.plain(await kernel.run("reroot sk at (40, 2040, 210) | nodes | where node_id=3 | select parent_id"))
        #expect(Self.rows(rerooted) == [["-1"]])
        // The soma of 3 is voxel (5, 5, 5) = (40, 40, 210) nm: the old root stays the root.
        let soma = Self.plain(await kernel.run("reroot (reroot sk at (40, 2040, 210)) at soma | nodes | where node_id=0 | select parent_id"))
        #expect(Self.rows(soma) == [["-1"]])
        #expect(await kernel.failure("skeleton 4")?.ename == "ArgumentError")
        #expect(await kernel.failure("nearest (1e300, 0, 0) of sk")?.ename == "ArgumentError")
        #expect(await kernel.failure("nodes 3")?.ename == "ArgumentError")
    }
}
