/// Which synapses of a set of neurons `partners` follows.
public enum PartnerDirection: String, Sendable, CaseIterable {
    /// Synapses onto the neurons (they are `post`): their inputs.
    case upstream
    /// Synapses from the neurons (they are `pre`): their outputs.
    case downstream
    case both

    /// The synapses this direction follows from `ids`.
    public func selection(_ ids: [SegmentID]) -> SynapseSelection {
        switch self {
        case .downstream: return .from(ids)
        case .upstream: return .onto(ids)
        case .both: return .touching(ids)
        }
    }
}

/// crantpy's connectivity queries (`get_synapses`, `get_connectivity`, `get_adjacency`) on a
/// synapse or connection table, as the reference's §5.5 gives them: both filters ANDed, autapses
/// and rows with a zero root dropped unless asked for, a pair's weight its synapse count.
///
/// Each query is one pass over the `pre` and `post` columns with hash-set membership, then a
/// group-by on the selected rows only: partners of ten hub neurons in three million connections
/// touch the three million twice and nothing else.
extension SynapseTable {
    /// The synapse rows `selection` asks for, with `size ≥ minSize`, without autapses and zero
    /// roots unless `autapses`.
    public func synapses(_ selection: SynapseSelection, minSize: Double? = nil,
                         autapses: Bool = false) throws(ConnectomeError) -> DataTable {
        var mask: RowMask
        switch selection {
        case .from(let ids): mask = try rowMask(pre: IDSet(ids), post: nil, autapses: autapses)
        case .onto(let ids): mask = try rowMask(pre: nil, post: IDSet(ids), autapses: autapses)
        case .touching(let ids): mask = try rowMask(either: IDSet(ids), autapses: autapses)
        case .between(let pre, let post): mask = try rowMask(pre: IDSet(pre), post: IDSet(post), autapses: autapses)
        }
        if let minSize {
            guard level == .synapse else {
                throw ConnectomeError.argument("min_size needs a synapse-level table; this one has one row per connection",
                                               hint: "filter connections by weight with: partners IDS threshold=N")
            }
            guard let size = table.column("size") else {
                throw ConnectomeError.argument("min_size needs a 'size' column; the synapse table has \(table.columnNames.joined(separator: ", "))")
            }
            mask = mask && (try Self.atLeast(size, minSize))
        }
        return table.filtered(by: mask)
    }

    /// The (pre, post, weight) pairs of `ids` in `direction`, with `weight ≥ threshold`, heaviest first.
    public func partners(of ids: [SegmentID], direction: PartnerDirection = .both, threshold: Int64 = 1,
                         autapses: Bool = false) throws(ConnectomeError) -> DataTable {
        let selected = try synapses(direction.selection(ids), autapses: autapses)
        let pairs = level == .synapse
            ? try selected.groupCount(by: ["pre", "post"], countName: "weight")
            : try selected.groupSum(by: ["pre", "post"], summing: "weight")
        let heavy = try pairs.filtered(by: Self.atLeast(try pairs.requireColumn("weight"), Double(threshold)))
        return try heavy.sorted(by: "weight", descending: true)
    }

    /// Synapse counts from each of `sources` (rows) onto each of `targets` (columns), in the order
    /// given; counts below `threshold` are 0, and so is the diagonal unless `autapses`.
    public func adjacency(sources: [SegmentID], targets: [SegmentID], threshold: Int64 = 1,
                          autapses: Bool = false) throws(ConnectomeError) -> AdjacencyMatrix {
        let (cells, overflow) = sources.count.multipliedReportingOverflow(by: targets.count)
        guard !overflow, cells <= Self.maximumAdjacencyCells,
              sources.count <= Self.maximumAdjacencySide, targets.count <= Self.maximumAdjacencySide else {
            throw ConnectomeError.argument(
                "an adjacency matrix of \(sources.count) × \(targets.count) neurons is too large (at most \(Self.maximumAdjacencySide) on a side and \(Self.maximumAdjacencyCells) cells)",
                hint: "give fewer sources or targets=IDS, or use partners IDS for a list of connections")
        }
        let rows = IDSet(sources), columns = IDSet(targets)
        let pre = try table.idKeys("pre"), post = try table.idKeys("post")
        let weights = level == .connection ? try table.idKeys("weight") : nil
        var counts = [Int64](repeating: 0, count: sources.count * targets.count)
        let rowOfID = rows.positions(of: sources), columnOfID = columns.positions(of: targets)
        for row in 0..<table.rowCount {
            guard let from = pre.key(row), let to = post.key(row),
                  let r = rows.entry(from), let c = columns.entry(to) else { continue }
            if from == to && !autapses { continue }
            let weight = weights.map { Int64(bitPattern: $0.key(row) ?? 0) } ?? 1
            for i in rowOfID[r] {
                for j in columnOfID[c] {
                    counts[i * targets.count + j] &+= weight
                }
            }
        }
        if threshold > 1 {
            for index in counts.indices where counts[index] < threshold { counts[index] = 0 }
        }
        return AdjacencyMatrix(sources: sources, targets: targets, counts: counts)
    }

    /// 16 Mi cells (128 MiB of counts): a 4,096 × 4,096 matrix, far past what a heatmap can show.
    public static let maximumAdjacencyCells = 1 << 24
    /// 4,096 rows or columns: each column becomes a table column, and a heatmap shows at most 2,048.
    public static let maximumAdjacencySide = 4_096

    // MARK: - Masks

    /// Rows whose pre is in `pre` and post in `post` (nil: any), dropping zero roots and autapses.
    private func rowMask(pre: IDSet?, post: IDSet?, autapses: Bool) throws(ConnectomeError) -> RowMask {
        let preKeys = try table.idKeys("pre"), postKeys = try table.idKeys("post")
        var flags = [Bool](repeating: false, count: table.rowCount)
        for row in 0..<table.rowCount {
            guard let from = preKeys.key(row), let to = postKeys.key(row), from != 0, to != 0 else { continue }
            if from == to && !autapses { continue }
            if let pre, !pre.contains(from) { continue }
            if let post, !post.contains(to) { continue }
            flags[row] = true
        }
        return RowMask(flags: flags)
    }

    /// Rows with pre or post in `ids`: the union of upstream and downstream, each synapse once.
    private func rowMask(either ids: IDSet, autapses: Bool) throws(ConnectomeError) -> RowMask {
        let preKeys = try table.idKeys("pre"), postKeys = try table.idKeys("post")
        var flags = [Bool](repeating: false, count: table.rowCount)
        for row in 0..<table.rowCount {
            guard let from = preKeys.key(row), let to = postKeys.key(row), from != 0, to != 0 else { continue }
            if from == to && !autapses { continue }
            flags[row] = ids.contains(from) || ids.contains(to)
        }
        return RowMask(flags: flags)
    }

    /// Rows of a numeric column at least `minimum` (nulls never).
    private static func atLeast(_ column: DataColumn, _ minimum: Double) throws(ConnectomeError) -> RowMask {
        var flags = [Bool](repeating: false, count: column.count)
        switch column.data {
        case .int64(let values):
            for row in 0..<values.count where !values.isNull(row) { flags[row] = Double(values.values[row]) >= minimum }
        case .uint64(let values):
            for row in 0..<values.count where !values.isNull(row) { flags[row] = Double(values.values[row]) >= minimum }
        case .double(let values):
            for row in 0..<values.count where !column.data.isNull(row) { flags[row] = values.values[row] >= minimum }
        default:
            throw ConnectomeError.data("column '\(column.name)' holds \(column.type) values, not numbers",
                                       hint: "sizes and weights must be numeric columns")
        }
        return RowMask(flags: flags)
    }
}

/// A set of IDs with each distinct ID numbered, for one-pass membership over millions of rows.
struct IDSet {
    private var map: FastHashMap<UInt64>

    init(_ ids: [SegmentID]) {
        map = FastHashMap(capacity: ids.count)
        for id in ids { _ = map.insert(id.rawValue) }
    }

    @inline(__always) func contains(_ id: UInt64) -> Bool { map.find(id) != nil }
    @inline(__always) func entry(_ id: UInt64) -> Int? { map.find(id) }

    /// For each distinct entry, the positions in `ids` that hold it (an ID given twice fills two rows).
    func positions(of ids: [SegmentID]) -> [[Int]] {
        var positions = [[Int]](repeating: [], count: map.count)
        for (index, id) in ids.enumerated() {
            if let entry = map.find(id.rawValue) { positions[entry].append(index) }
        }
        return positions
    }
}
