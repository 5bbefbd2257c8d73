import Foundation
import JSONModel
import Testing
@testable import ConnectomeCore
@testable import ConnectomeSample

/// The sample's connectome read back from the written files, through the real readers: synapses sit
/// on their partners, skeleton nodes inside their neuron, one table row per segment.
@Suite(.serialized) struct SampleConnectomeTests {
    /// Not a multiple of the 64³ chunk; big enough for large profiles (hubs) and a few thousand contacts.
    static let size = [300, 260, 24]

    typealias Written = (directory: String, volume: SampleVolume, summary: SampleDataset.Summary)

    /// One sample for all tests of the suite (the writer is deterministic, so sharing is safe).
    static let writing = Result<Written, any Error> {
        let directory = FileManager.default.temporaryDirectory.path + "/ck-sample-connectome-\(UUID().uuidString)"
        let volume = SampleVolume(size: size, mipCount: 2)
        return (directory, volume, try SampleDataset.write(volume, to: directory))
    }

    static var written: Written { get throws { try writing.get() } }

    /// RFC 4180 fields (quotes doubled inside quoted fields); enough for the sample's files.
    static func readCSV(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false
        var iterator = Array(text).makeIterator()
        while let c = iterator.next() {
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            if next == "," { record.append(field); field = "" } else if next == "\n" {
                                record.append(field); records.append(record); record = []; field = ""
                            } else { field.append(next) }
                        }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { record.append(field); field = "" } else if c == "\n" {
                record.append(field); records.append(record); record = []; field = ""
            } else { field.append(c) }
        }
        let header = records.removeFirst()
        return (header, records.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
    }

    static func vector(_ text: String?) throws -> (Int, Int, Int) {
        let values = try #require(try JSONValue.parse(text ?? "").arrayValue?.compactMap(\.intValue))
        try #require(values.count == 3)
        return (values[0], values[1], values[2])
    }

    static func segmentation() async throws -> PrecomputedVolume {
        try await PrecomputedVolume.open(store: FileStore(directory: try written.directory + "/segmentation"), cache: nil, infoCache: nil)
    }

    @Test func oneNeuronRowPerSegmentPresent() throws {
        let (header, rows) = try Self.readCSV(try Self.written.directory + "/neurons.csv")
        #expect(header == SampleNeurons.fields)
        #expect(header.count == 30 && header.first == "root_id" && header.contains("cell_class") && header.contains("known_nt"))
        let ids = rows.compactMap { UInt64($0["root_id"] ?? "") }
        #expect(ids.count == rows.count && Set(ids).count == ids.count, "root_id unique and numeric")
        let written = try Self.written
        #expect(Set(ids) == Set(written.volume.labels(mip: 0)))
        #expect(written.summary.neurons == rows.count)
        // Lists are JSON arrays, booleans pandas-style, classes from the catalogue, sides left/right.
        for row in rows {
            if let status = row["status"], !status.isEmpty { #expect(try JSONValue.parse(status).arrayValue != nil, "\(status)") }
            #expect(row["proofread"] == "True" || row["proofread"] == "False")
            #expect(row["side"] == "left" || row["side"] == "right")
            if let cellClass = row["cell_class"], !cellClass.isEmpty {
                #expect(SampleCellClass.allCases.map(\.name).contains(cellClass), "\(cellClass)")
            }
        }
        let classes = Set(rows.compactMap { $0["cell_class"] }.filter { !$0.isEmpty })
        #expect(classes.count >= 4, "\(classes)")
    }

    @Test func somaPositionsReadBackTheirNeuron() async throws {
        let rows = try Self.readCSV(try Self.written.directory + "/neurons.csv").rows
        let somata = try rows.map { try Self.vector($0["position"]) }
        let values = try await Self.segmentation().readValues(mip: 0, points: somata)
        #expect(values == rows.map { UInt64($0["root_id"]!)! })
    }

    @Test func synapsesSitOnTheirPartners() async throws {
        let (header, rows) = try Self.readCSV(try Self.written.directory + "/synapses.csv")
        #expect(header == SampleSynapses.fields)
        let written = try Self.written
        #expect(rows.count == written.summary.synapses)
        #expect(rows.count > 300, "\(rows.count) synapses")
        let pre = try rows.map { try Self.vector($0["pre_pt_position"]) }
        let post = try rows.map { try Self.vector($0["post_pt_position"]) }
        let volume = try await Self.segmentation()
        let preValues = try await volume.readValues(mip: 0, points: pre)
        let postValues = try await volume.readValues(mip: 0, points: post)
        #expect(preValues == rows.map { UInt64($0["pre_pt_root_id"]!)! })
        #expect(postValues == rows.map { UInt64($0["post_pt_root_id"]!)! })
        #expect(rows.allSatisfy { $0["pre_pt_root_id"] != $0["post_pt_root_id"] }, "no autapses")
        #expect(rows.map { Int($0["id"]!)! } == Array(1...rows.count))
        // Pre and post are close: on either side of one membrane.
        for (a, b) in zip(pre, post) {
            #expect(a.2 == b.2 && abs(a.0 - b.0) + abs(a.1 - b.1) <= 5)
        }
        // A skewed weight distribution: many pairs with one or two synapses, a few strong ones.
        var weights: [String: Int] = [:]
        for row in rows { weights[row["pre_pt_root_id"]! + ">" + row["post_pt_root_id"]!, default: 0] += 1 }
        let sorted = weights.values.sorted()
        #expect(sorted.last! >= 8 * sorted[sorted.count / 2], "max \(sorted.last!), median \(sorted[sorted.count / 2])")
        #expect(weights.values.filter { $0 <= 2 }.count > weights.count / 3)
    }

    @Test func skeletonNodesReadBackTheirNeuron() async throws {
        let volume = try await Self.segmentation()
        #expect(volume.info.skeletons == "skeletons")
        let source = try #require(try await SkeletonSource.open(segmentation: volume, cache: nil))
        #expect(source.info == SampleConnectome.skeletonInfo)
        let rows = try Self.readCSV(try Self.written.directory + "/neurons.csv").rows
        var points: [(Int, Int, Int)] = [], expected: [UInt64] = []
        var branchPoints = 0
        for row in rows {
            let id = UInt64(row["root_id"]!)!
            let skeleton = try await source.skeleton(SegmentID(id))
            #expect(skeleton.roots.count == 1 && skeleton.droppedEdges == 0)
            // Root at the soma of the neuron table.
            let soma = try Self.vector(row["position"])
            let root = skeleton.position(try #require(skeleton.root))
            #expect((Int(root.x / 8), Int(root.y / 8), Int(root.z / 42)) == soma)
            #expect(skeleton.radius?.allSatisfy { $0 > 0 } == true)
            branchPoints += skeleton.branchPoints.count
            for index in 0..<skeleton.nodeCount {
                let p = skeleton.position(index)
                points.append((Int((p.x / 8).rounded(.down)), Int((p.y / 8).rounded(.down)), Int((p.z / 42).rounded(.down))))
                expected.append(id)
            }
        }
        #expect(points.count > rows.count * Self.size[2] / 2)
        #expect(branchPoints > 0)
        let values = try await volume.readValues(mip: 0, points: points)
        let wrong = zip(values, expected).filter { $0 != $1 }.count
        #expect(wrong == 0, "\(wrong) of \(points.count) skeleton nodes lie outside their neuron")
    }

    @Test func sameVolumeSameFiles() throws {
        let volume = SampleVolume(size: [140, 120, 6], mipCount: 1)
        let a = SampleConnectome(volume), b = SampleConnectome(volume)
        #expect(try a.neuronsCSV() == b.neuronsCSV() && a.synapsesCSV() == b.synapsesCSV())
        #expect(a.neuronCount > 0)
        for index in 0..<a.neuronCount { #expect(try a.skeleton(neuron: index) == b.skeleton(neuron: index)) }
    }
}
