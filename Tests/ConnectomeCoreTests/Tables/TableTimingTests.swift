import Foundation
import Testing
@testable import ConnectomeCore

/// Self-timing of the table paths the benchmark will measure against pandas: prints, asserts nothing.
///
/// Sizes default to a hundredth of the benchmark's (debug builds are slow); set `CK_TABLE_TIMING_SCALE=10`
/// for the benchmark's 10 M synapses, 3 M connections and 140 k neurons (in a release build).
@Suite struct TableTimingTests {
    static let scale = Double(ProcessInfo.processInfo.environment["CK_TABLE_TIMING_SCALE"] ?? "") ?? 0.1

    static func time<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        print("TableTiming: \(label): \(String(format: "%.1f", elapsed)) ms")
        return result
    }

    /// Synapse rows: id, pre, post, size, a position (CAVE's columns, with 100,000 neurons).
    static func synapses(_ count: Int) throws -> DataTable {
        var generator = SplitMix(seed: 1)
        let roots = (0..<100_000).map { UInt64(720_575_940_379_279_360) + UInt64($0) * 17 }
        return try DataTable(columns: [
            DataColumn("id", .uint64(ScalarColumn(values: (0..<count).map { UInt64($0) + 1 }))),
            DataColumn("pre", .uint64(ScalarColumn(values: (0..<count).map { _ in roots[Int(generator.next() % 100_000)] }))),
            DataColumn("post", .uint64(ScalarColumn(values: (0..<count).map { _ in roots[Int(generator.next() % 100_000)] }))),
            DataColumn("size", .int64(ScalarColumn(values: (0..<count).map { _ in Int64(generator.next() % 500) }))),
            DataColumn("pre_pt_position", .intVector(VectorColumn(values: (0..<(3 * count)).map { _ in Int64(generator.next() % 100_000) }))),
        ])
    }

    /// Neuron rows: IDs, a few text fields with repeated values, a list field, a flag.
    static func neurons(_ count: Int) throws -> DataTable {
        var generator = SplitMix(seed: 2)
        let classes = (0..<200).map { "cell_class_\($0)" }
        let regions = ["AL", "MB", "LH", "SEZ", "CX", "OL"]
        return try DataTable(columns: [
            DataColumn("root_id", .uint64(ScalarColumn(values: (0..<count).map { UInt64(576_460_752_303_423_488) + UInt64($0) }))),
            DataColumn("cell_class", .string(StringColumn((0..<count).map { _ in classes[Int(generator.next() % 200)] }))),
            DataColumn("cell_type", .string(StringColumn((0..<count).map { _ in "type_\(generator.next() % 5000)" }))),
            DataColumn("side", .string(StringColumn((0..<count).map { _ in generator.next() % 2 == 0 ? "left" : "right" }))),
            DataColumn("region", .stringList(StringListColumn((0..<count).map { _ in
                [regions[Int(generator.next() % 6)], regions[Int(generator.next() % 6)]]
            }))),
            DataColumn("proofread", .bool(ScalarColumn(values: (0..<count).map { _ in generator.next() % 3 == 0 }))),
        ])
    }

    @Test func printTimings() throws {
        let synapseRows = Int(1_000_000 * Self.scale), neuronRows = Int(14_000 * Self.scale)
        let synapses = try Self.synapses(synapseRows)
        for (label, compression) in [("uncompressed", ArrowWriter.Compression?.none), ("lz4", .lz4), ("zstd", .zstd)] {
            let bytes = Self.time("write \(synapseRows) synapses as feather (\(label))") { ArrowWriter.write(synapses, compression: compression) }
            let back = try Self.time("read \(synapseRows) synapses from feather (\(label), \(bytes.count >> 20) MiB)") {
                try ArrowReader.read(bytes: bytes, name: "synapses.feather")
            }
            #expect(back.rowCount == synapseRows)
        }
        let csv = Self.time("write \(synapseRows) synapses as CSV") { CSVWriter.write(try! synapses.selecting(["id", "pre", "post", "size"])) }
        _ = try Self.time("read \(synapseRows) synapses from CSV (\(csv.count >> 20) MiB)") { try CSVReader.read(bytes: csv, name: "s.csv") }
        let pairs = try Self.time("count synapses per (pre, post) over \(synapseRows)") { try synapses.groupCount(by: ["pre", "post"], countName: "weight") }
        let hubs = Array(try synapses.ids(column: "pre").prefix(10).map(\.rawValue))
        let partners = try Self.time("rows with pre or post among 10 neurons") {
            try synapses.filtered(by: try synapses.mask("pre", in: hubs) || (try synapses.mask("post", in: hubs)))
        }
        _ = try Self.time("sort \(pairs.rowCount) pairs by weight descending") { try pairs.sorted(by: "weight", descending: true) }
        print("TableTiming: \(pairs.rowCount) pairs, \(partners.rowCount) synapses of the 10 neurons")

        let neurons = try Self.neurons(neuronRows)
        let neuronFile = ArrowWriter.write(neurons)
        _ = try Self.time("read \(neuronRows) neurons from feather") { try ArrowReader.read(bytes: neuronFile, name: "n.feather") }
        let neuronCSV = CSVWriter.write(neurons)
        _ = try Self.time("read \(neuronRows) neurons from CSV") { try CSVReader.read(bytes: neuronCSV, name: "n.csv") }
        _ = try Self.time("filter cell_class case-insensitive exact") {
            try neurons.filterMask([FilterCriterion("cell_class", .string("CELL_CLASS_7"))])
        }
        _ = try Self.time("filter region any-of") {
            try neurons.filterMask([FilterCriterion("region", anyOf: [.string("AL"), .string("MB")])])
        }
        _ = try Self.time("three criteria ANDed") {
            try neurons.filterMask([FilterCriterion("side", .string("left")), FilterCriterion("proofread", .bool(true)),
                                    FilterCriterion("cell_type", .string("type_1"))], options: FilterOptions(exact: false))
        }
        _ = try Self.time("regex on cell_type") {
            try neurons.filterMask([FilterCriterion("cell_type", .string("^type_1[0-9]$"))], options: FilterOptions(regex: true))
        }
    }
}

/// A deterministic generator, so that timings compare run to run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix64(state)
    }
}
