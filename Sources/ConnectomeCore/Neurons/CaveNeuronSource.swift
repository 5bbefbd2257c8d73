import Foundation
import Synchronization

/// Neurons of a CAVE datastack: synapses from its materialized synapse table (crantpy's
/// `get_synapses`), annotations and skeletons from whatever the caller plugs in (CRANT's Seatable
/// table, the skeleton service, or the user's own files).
///
/// A synapse query asks the datastack's synapse table at the latest valid version (or the version
/// or instant asked) with `filter_in_dict` on `pre_pt_root_id` / `post_pt_root_id`, both ANDed
/// when both are given, in ID batches; `touching` is the union of the two directions, each synapse
/// once (by `id`). Positions come split (`pre_pt_position_x/_y/_z`) in the table's voxel resolution
/// and become one column each in viewer voxels, `floor(v × table resolution / viewer resolution)`
/// (crantpy's `return_pixels`). Autapses, zero roots, `min_size` and thresholds are the
/// connectivity queries' (`SynapseTable+Connectivity`), as for a local table.
public final class CaveNeuronSource: NeuronSource {
    /// What a query needs from the datastack, read when first needed (a token may come later).
    public struct Connection: Sendable {
        public var materialization: MaterializationClient
        public var synapseTable: String?
        /// nm per viewer voxel (the info service's `viewer_resolution_*`).
        public var viewerResolution: [Double]

        public init(materialization: MaterializationClient, synapseTable: String?, viewerResolution: [Double]) {
            self.materialization = materialization
            self.synapseTable = synapseTable
            self.viewerResolution = viewerResolution
        }
    }

    public let annotationOrigin: String?
    public let synapseOrigin: String?
    public let skeletonOrigin: String?
    private let connect: @Sendable () async throws -> Connection
    private let loadAnnotations: (@Sendable () async throws -> DataTable)?
    private let loadSkeleton: (@Sendable (SegmentID) async throws -> Skeleton)?
    /// What to say when annotations or skeletons are asked for and nothing is plugged in.
    private let missingAnnotations: String
    private let missingSkeletons: String
    private let memo = Mutex<Memo>(Memo())

    private struct Memo {
        var metadata: [String: MaterializationTableMetadata] = [:]
        var annotationColumns: [String] = []
    }

    /// The pre- and postsynaptic root columns of a CAVE synapse table (schema `synapse`).
    public static let preColumn = "pre_pt_root_id"
    public static let postColumn = "post_pt_root_id"
    /// Position columns: the server splits each into `_x`, `_y`, `_z`.
    public static let positionColumns = ["pre_pt_position", "post_pt_position", "ctr_pt_position"]

    /// `annotations` / `skeleton` nil: those queries throw an argument error with `missingAnnotations`
    /// / `missingSkeletons` as the hint (how to give the token or the table).
    public init(datastack: String, connect: @escaping @Sendable () async throws -> Connection,
                annotations: (@Sendable () async throws -> DataTable)? = nil, annotationOrigin: String? = nil,
                missingAnnotations: String = "give a neuron table with dataset neurons=\"file:///path/…\"",
                skeleton: (@Sendable (SegmentID) async throws -> Skeleton)? = nil, skeletonOrigin: String? = nil,
                missingSkeletons: String = "give a skeleton source with dataset skeletons=\"precomputed://…\"") {
        self.synapseOrigin = "the synapse table of CAVE datastack \(datastack)"
        self.annotationOrigin = annotations == nil ? nil : annotationOrigin ?? "the annotation table of \(datastack)"
        self.skeletonOrigin = skeleton == nil ? nil : skeletonOrigin ?? "the skeletons of \(datastack)"
        self.connect = connect
        self.loadAnnotations = annotations
        self.loadSkeleton = skeleton
        self.missingAnnotations = missingAnnotations
        self.missingSkeletons = missingSkeletons
    }

    public func annotations() async throws -> DataTable {
        guard let loadAnnotations else {
            throw ConnectomeError.argument("the CAVE datastack's neuron table cannot be read: no annotation table is set up for it",
                                           hint: missingAnnotations)
        }
        let table = try await loadAnnotations()
        memo.withLock { $0.annotationColumns = table.columnNames }
        return table
    }

    public var knownAnnotationColumns: [String] { memo.withLock { $0.annotationColumns } }

    public func skeleton(_ id: SegmentID) async throws -> Skeleton {
        guard let loadSkeleton else {
            throw ConnectomeError.argument("the CAVE datastack's skeletons cannot be read: no skeleton source is set up for it",
                                           hint: missingSkeletons)
        }
        return try await loadSkeleton(id)
    }

    public func synapses(_ selection: SynapseSelection) async throws -> SynapseTable {
        try await synapses(selection, options: SynapseQueryOptions())
    }

    public func synapses(_ selection: SynapseSelection, options: SynapseQueryOptions) async throws -> SynapseTable {
        let connection = try await connect()
        let client = connection.materialization
        guard let table = connection.synapseTable else {
            throw ConnectomeError.argument("CAVE datastack \(client.datastack) names no synapse table (its info has no synapse_table)",
                                           hint: "give a synapse table with dataset synapses=\"file:///path/…\"")
        }
        let point: MaterializationPoint
        let metadataVersion: Int
        switch options.at {
        case .version(let version)?:
            point = .version(version)
            metadataVersion = version
        case .live(let date)?:
            point = .live(date)
            metadataVersion = try await client.latestVersion()
        case nil:
            metadataVersion = try await client.latestVersion()
            point = .version(metadataVersion)
        }
        let metadata = try await tableMetadata(table, version: metadataVersion, client: client)
        let atLeast = options.minSize.map { [MaterializationQuery.Bound(column: "size", value: $0)] } ?? []
        func query(_ filters: [MaterializationQuery.IDFilter]) -> MaterializationQuery {
            MaterializationQuery(table: table, filterIn: filters, atLeast: atLeast)
        }
        let queries: [MaterializationQuery]
        switch selection {
        case .from(let ids): queries = [query([.init(column: Self.preColumn, ids: ids)])]
        case .onto(let ids): queries = [query([.init(column: Self.postColumn, ids: ids)])]
        case .touching(let ids):
            queries = [query([.init(column: Self.preColumn, ids: ids)]), query([.init(column: Self.postColumn, ids: ids)])]
        case .between(let pre, let post):
            queries = [query([.init(column: Self.preColumn, ids: pre), .init(column: Self.postColumn, ids: post)])]
        }
        var parts: [DataTable] = []
        var notes: [String] = []
        for query in queries {
            let answer = try await client.queryInBatches(query, at: point, format: options.format)
            if answer.table.rowCount > 0 { parts.append(answer.table) }
            for warning in answer.warnings where !notes.contains(warning) { notes.append(warning) }
        }
        var rows = try MaterializationClient.joined(parts)
        if queries.count > 1 { rows = try Self.firstOfEachID(rows) }
        rows = try Self.viewerPositions(rows, tableResolution: metadata.voxelResolution, viewerResolution: connection.viewerResolution)
        if rows.columnIndex(Self.preColumn) == nil || rows.columnIndex(Self.postColumn) == nil {
            rows = try Self.emptyRows()
        }
        switch point {
        case .version(let version): notes.insert("\(table) at materialization version \(version)", at: 0)
        case .live(let date): notes.insert("\(table) live at \(Timestamp.iso8601(date))", at: 0)
        }
        var synapses = try SynapseTable(rows, name: "\(table) of \(client.datastack)")
        synapses.notes = notes
        return synapses
    }

    private func tableMetadata(_ table: String, version: Int, client: MaterializationClient) async throws -> MaterializationTableMetadata {
        let key = "\(table)@\(version)"
        if let known = memo.withLock({ $0.metadata[key] }) { return known }
        let metadata = try await client.tableMetadata(table, version: version)
        memo.withLock { $0.metadata[key] = metadata }
        return metadata
    }

    // MARK: - Rows

    /// The first row of each synapse `id` (the two directions of `touching` both hold autapses).
    static func firstOfEachID(_ rows: DataTable) throws(ConnectomeError) -> DataTable {
        guard rows.columnIndex("id") != nil else { return rows }
        let keys = try rows.idKeys("id")
        var seen = Set<UInt64>()
        seen.reserveCapacity(rows.rowCount)
        var flags = [Bool](repeating: true, count: rows.rowCount)
        for row in 0..<rows.rowCount {
            if let key = keys.key(row) { flags[row] = seen.insert(key).inserted }
        }
        return rows.filtered(by: RowMask(flags: flags))
    }

    /// Each `<name>_x/_y/_z` triple becomes one int-vector column `<name>` in viewer voxels.
    static func viewerPositions(_ rows: DataTable, tableResolution: [Double], viewerResolution: [Double]) throws(ConnectomeError) -> DataTable {
        guard viewerResolution.count == 3, viewerResolution.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw ConnectomeError.argument("the viewer resolution \(viewerResolution) is not three positive numbers of nm")
        }
        let scale = (0..<3).map { tableResolution[$0] / viewerResolution[$0] }
        let bases = rows.columnNames.filter { name in
            name.hasSuffix("_x") && ["_y", "_z"].allSatisfy { rows.column(String(name.dropLast(2)) + $0) != nil }
        }.map { String($0.dropLast(2)) }
        // The positions one per core (three of them in a synapse table, 200,000 rows each).
        let converted = try ParallelWork.map(bases) { base throws(ConnectomeError) in
            try voxelColumn(rows, base: base, scale: scale)
        }
        var result = rows
        for (base, column) in zip(bases, converted) {
            result = result.removing([base + "_y", base + "_z"])
            result = try result.renaming(base + "_x", to: base)
            result = try result.setting(DataColumn(base, .intVector(column)))
        }
        return result
    }

    /// The `base_x`, `base_y`, `base_z` columns times `scale`, rounded down, as one column of points;
    /// a null or non-finite coordinate makes the point null.
    private static func voxelColumn(_ rows: DataTable, base: String, scale: [Double]) throws(ConnectomeError) -> VectorColumn<Int64> {
        let count = rows.rowCount
        var values = [Int64](repeating: 0, count: count * 3)
        var valid = [Bool](repeating: true, count: count)
        for (axis, suffix) in ["_x", "_y", "_z"].enumerated() {
            let column = rows.column(base + suffix)!
            // Read in place (a float64 copy of each integer column cost more than the conversion).
            try values.withUnsafeMutableBufferPointer { values throws(ConnectomeError) in
                try valid.withUnsafeMutableBufferPointer { valid throws(ConnectomeError) in
                    let factor = scale[axis]
                    func convert(_ value: Double, row: Int) throws(ConnectomeError) {
                        guard value.isFinite else { valid[row] = false; return }
                        let voxel = value * factor
                        guard abs(voxel) < 0x1p62 else {
                            throw ConnectomeError.outOfRange("position column '\(base)'", field: "row \(row + 1)", value: value,
                                                             allowed: "positions within ±2^62 voxels")
                        }
                        // Rounded down by truncating and stepping below: exact in this range, and
                        // `rounded(.down)` is a call to libm's floor per coordinate on baseline x86-64.
                        var whole = Int64(voxel)
                        if Double(whole) > voxel { whole -= 1 }
                        values[row &* 3 &+ axis] = whole
                    }
                    switch column.data {
                    case .int64(let numbers):
                        for row in 0..<count {
                            if numbers.isNull(row) { valid[row] = false } else { try convert(Double(numbers.values[row]), row: row) }
                        }
                    case .uint64(let numbers):
                        for row in 0..<count {
                            if numbers.isNull(row) { valid[row] = false } else { try convert(Double(numbers.values[row]), row: row) }
                        }
                    case .double(let numbers):
                        for row in 0..<count {
                            if numbers.isNull(row) { valid[row] = false } else { try convert(numbers.values[row], row: row) }
                        }
                    default:
                        throw ConnectomeError.data("position column '\(base)\(suffix)' holds \(column.type) values, not numbers")
                    }
                }
            }
        }
        return VectorColumn(values: values, validity: valid.allSatisfy { $0 } ? nil : Validity(valid))
    }

    /// No rows: the synapse columns, empty, so that the queries answer with an empty table.
    static func emptyRows() throws(ConnectomeError) -> DataTable {
        try DataTable(columns: [
            DataColumn("id", .nulls(.uint64, count: 0)),
            DataColumn(preColumn, .nulls(.uint64, count: 0)),
            DataColumn(postColumn, .nulls(.uint64, count: 0)),
            DataColumn("size", .nulls(.int64, count: 0)),
        ] + positionColumns.map { DataColumn($0, .nulls(.intVector, count: 0)) })
    }
}
