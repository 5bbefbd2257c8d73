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
/// Each query is one pass over the `pre` and `post` columns (in parallel chunks), then a group-by
/// on the selected rows only. The pass tests each ID against the set's bitmap first (one bit per
/// ID, in cache), so the three million rows that do not touch ten hub neurons cost a load and a bit
/// test each, and only the few that pass go on to the exact hash look-up and the zero-root and
/// autapse rules.
extension SynapseTable {
    /// The synapse rows `selection` asks for, with `size ≥ minSize`, without autapses and zero
    /// roots unless `autapses`.
    public func synapses(_ selection: SynapseSelection, minSize: Double? = nil,
                         autapses: Bool = false) throws(ConnectomeError) -> DataTable {
        var rows = try selectedRows(selection, autapses: autapses)
        if let minSize {
            guard level == .synapse else {
                throw ConnectomeError.argument("min_size needs a synapse-level table; this one has one row per connection",
                                               hint: "filter connections by weight with: partners IDS threshold=N")
            }
            guard let size = table.column("size") else {
                throw ConnectomeError.argument("min_size needs a 'size' column; the synapse table has \(table.columnNames.joined(separator: ", "))")
            }
            let large = try Self.atLeast(size, minSize)
            rows.removeAll { !large[$0] }
        }
        return rows.count == table.rowCount ? table : table.taking(rows: rows)
    }

    /// The (pre, post, weight) pairs of `ids` in `direction`, with `weight ≥ threshold`, heaviest first.
    public func partners(of ids: [SegmentID], direction: PartnerDirection = .both, threshold: Int64 = 1,
                         autapses: Bool = false) throws(ConnectomeError) -> DataTable {
        // Only the columns the pairs need, gathered during the pass while the row is at hand (a
        // second pass would fetch each selected row's values from all over the table again).
        let keys = try selectedKeys(direction.selection(ids), autapses: autapses)
        let pairs = level == .synapse
            ? try keys.groupCount(by: ["pre", "post"], countName: "weight")
            : try keys.groupSum(by: ["pre", "post"], summing: "weight")
        let heavy = pairs.filtered(by: try Self.atLeast(try pairs.requireColumn("weight"), Double(threshold)))
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
        // A null or negative weight counts 0 (idKeys' rule for an int64 column).
        var weightColumn: ScalarColumn<Int64>?
        if level == .connection, case .int64(let column) = try table.requireColumn("weight").data { weightColumn = column }
        let weights = weightColumn
        // One pass collects each passing row's (row entry, column entry, weight) while the row is in
        // cache; the counts are added up afterwards, from the few hits.
        let test = BothIn(pre: rows, post: columns)
        let nullable = pre.validity != nil || post.validity != nil
        let hits = Self.chunked(min(pre.values.count, post.values.count)) { range -> [AdjacencyHit] in
            var hits: [AdjacencyHit] = []
            Self.forEachRowPassing(pre.values, post.values, in: range, test, autapses: autapses, zeroRoots: true) { row, a, b in
                if nullable && (pre.key(row) == nil || post.key(row) == nil) { return }
                guard let r = rows.entry(a), let c = columns.entry(b) else { return }
                var weight: Int64 = 1
                if let weights { weight = weights.isNull(row) ? 0 : max(0, weights.values[row]) }
                hits.append(AdjacencyHit(row: Int32(truncatingIfNeeded: r), column: Int32(truncatingIfNeeded: c), weight: weight))
            }
            return hits
        }
        var counts = [Int64](repeating: 0, count: sources.count * targets.count)
        let rowOfID = rows.positions(of: sources), columnOfID = columns.positions(of: targets)
        let width = targets.count
        counts.withUnsafeMutableBufferPointer { counts in
            for chunk in hits {
                for hit in chunk {
                    for i in rowOfID[Int(hit.row)] {
                        for j in columnOfID[Int(hit.column)] {
                            counts[i * width + j] &+= hit.weight
                        }
                    }
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

    // MARK: - Row selection

    /// The rows (ascending) `selection` asks for, dropping zero roots and, unless `autapses`, autapses.
    private func selectedRows(_ selection: SynapseSelection, autapses: Bool) throws(ConnectomeError) -> [Int] {
        let pre = try table.idKeys("pre"), post = try table.idKeys("post")
        let rows: [Int]
        switch selection {
        case .from(let ids):
            rows = Self.rowsPassing(pre.values, post.values, PreIn(set: IDSet(ids)), autapses: autapses, zeroRoots: false)
        case .onto(let ids):
            rows = Self.rowsPassing(pre.values, post.values, PostIn(set: IDSet(ids)), autapses: autapses, zeroRoots: false)
        case .touching(let ids):
            rows = Self.rowsPassing(pre.values, post.values, EitherIn(set: IDSet(ids)), autapses: autapses, zeroRoots: false)
        case .between(let sources, let targets):
            rows = Self.rowsPassing(pre.values, post.values, BothIn(pre: IDSet(sources), post: IDSet(targets)),
                                    autapses: autapses, zeroRoots: false)
        }
        // Null IDs never match (the values under a null are not IDs).
        guard pre.validity != nil || post.validity != nil else { return rows }
        return rows.filter { pre.key($0) != nil && post.key($0) != nil }
    }

    /// `table.selecting(["pre", "post"] (+ "weight" at connection level)).taking(rows: selectedRows(…))`,
    /// built in the pass itself: a passing row's values are copied while they are in cache, instead
    /// of fetched again afterwards from all over a table of millions of rows.
    func selectedKeys(_ selection: SynapseSelection, autapses: Bool) throws(ConnectomeError) -> DataTable {
        let pre = try table.idKeys("pre"), post = try table.idKeys("post")
        var weights: ScalarColumn<Int64>?
        if level == .connection {
            guard case .int64(let column) = try table.requireColumn("weight").data else {
                // Not reached (SynapseTable's init makes the weight int64): the plain way.
                return try table.selecting(["pre", "post", "weight"]).taking(rows: try selectedRows(selection, autapses: autapses))
            }
            weights = column
        }
        let parts: [GatheredKeys]
        switch selection {
        case .from(let ids): parts = Self.gather(pre, post, weights, PreIn(set: IDSet(ids)), autapses: autapses)
        case .onto(let ids): parts = Self.gather(pre, post, weights, PostIn(set: IDSet(ids)), autapses: autapses)
        case .touching(let ids): parts = Self.gather(pre, post, weights, EitherIn(set: IDSet(ids)), autapses: autapses)
        case .between(let sources, let targets):
            parts = Self.gather(pre, post, weights, BothIn(pre: IDSet(sources), post: IDSet(targets)), autapses: autapses)
        }
        let all = GatheredKeys(joining: parts)
        var columns = [DataColumn("pre", .uint64(ScalarColumn(values: all.pre))),
                       DataColumn("post", .uint64(ScalarColumn(values: all.post)))]
        if weights != nil {
            let validity = all.nullableWeights ? Validity(all.weightValid) : nil
            columns.append(DataColumn("weight", .int64(ScalarColumn(values: all.weight, validity: validity))))
        }
        return try DataTable(columns: columns)
    }

    /// Per chunk, the values of the rows passing `test` (zero roots dropped, autapses unless
    /// `autapses`, null IDs never).
    private static func gather<Test: RowTest>(_ pre: IDKeys, _ post: IDKeys, _ weights: ScalarColumn<Int64>?, _ test: Test,
                                              autapses: Bool) -> [GatheredKeys] {
        let nullable = pre.validity != nil || post.validity != nil
        let nullableWeights = weights?.validity != nil
        return chunked(min(pre.values.count, post.values.count)) { range -> GatheredKeys in
            var part = GatheredKeys(nullableWeights: nullableWeights)
            var rows: [Int] = []
            forEachRowPassing(pre.values, post.values, in: range, test, autapses: autapses, zeroRoots: false) { row, a, b in
                if nullable && (pre.key(row) == nil || post.key(row) == nil) { return }
                part.pre.append(a)
                part.post.append(b)
                if weights != nil { rows.append(row) }
            }
            // The weights afterwards, in a loop of nothing but loads: the pass never reads the weight
            // column, so each is a cache miss, and here many are in flight at once.
            if let weights {
                part.weight = rows.map { weights.values[$0] }
                if nullableWeights { part.weightValid = rows.map { !weights.isNull($0) } }
            }
            return part
        }
    }

    /// The (pre, post, weight) values of the rows one chunk selected.
    struct GatheredKeys: Sendable {
        var pre: [UInt64] = []
        var post: [UInt64] = []
        var weight: [Int64] = []
        var weightValid: [Bool] = []
        let nullableWeights: Bool

        init(nullableWeights: Bool) { self.nullableWeights = nullableWeights }

        /// The chunks' values, concatenated in order.
        init(joining parts: [GatheredKeys]) {
            guard parts.count != 1 else { self = parts[0]; return }
            self.init(nullableWeights: parts.first?.nullableWeights ?? false)
            for part in parts {
                pre += part.pre
                post += part.post
                weight += part.weight
                weightValid += part.weightValid
            }
        }
    }

    /// One passing row of an adjacency pass: the entries of its pre and post in the ID sets, its weight.
    struct AdjacencyHit: Sendable {
        var row: Int32
        var column: Int32
        var weight: Int64
    }

    /// The rows (ascending) whose (pre, post) pass `test`, without autapses unless `autapses` and
    /// without zero roots unless `zeroRoots`: the one pass over every row, in parallel chunks on a
    /// large table (each chunk's rows in order, the chunks concatenated in order). Nulls are the
    /// caller's (their values are not looked at here).
    ///
    /// `rowsPerChunk`: the fewest rows worth a chunk of their own (at most four chunks);
    /// `rowsPerBlock`: see `forEachRowPassing`.
    static func rowsPassing<Test: RowTest>(_ pre: [UInt64], _ post: [UInt64], _ test: Test, autapses: Bool,
                                           zeroRoots: Bool, rowsPerChunk: Int = 1 << 18,
                                           rowsPerBlock: Int = scanBlock) -> [Int] {
        let found = chunked(min(pre.count, post.count), rowsPerChunk: rowsPerChunk) { range -> [Int] in
            var rows: [Int] = []
            forEachRowPassing(pre, post, in: range, test, autapses: autapses, zeroRoots: zeroRoots,
                              rowsPerBlock: rowsPerBlock) { row, _, _ in rows.append(row) }
            return rows
        }
        return found.count == 1 ? found[0] : Array(found.joined())
    }

    /// `work` on up to four consecutive ranges covering 0..<count, in parallel, the results in the
    /// ranges' order; one range when the rows are fewer than twice `rowsPerChunk`.
    static func chunked<Part: Sendable>(_ count: Int, rowsPerChunk: Int = 1 << 18,
                                        _ work: @Sendable (Range<Int>) -> Part) -> [Part] {
        let chunkCount = max(1, min(4, count / max(1, rowsPerChunk)))
        let chunks = (0..<chunkCount).map { chunk in (count * chunk / chunkCount)..<(count * (chunk + 1) / chunkCount) }
        return ParallelWork.map(chunks, work)
    }

    /// Rows per block of `forEachRowPassing`: the block's candidates (8 KiB) and its rows stay in cache.
    static let scanBlock = 1_024

    /// Calls `visit(row, pre, post)` for each row of `range`, in order, whose (pre, post) pass
    /// `test`, without autapses unless `autapses` and zero roots unless `zeroRoots`.
    ///
    /// In blocks of `rowsPerBlock` rows: first the quick test on every row of the block without a
    /// branch (each row's index is written to the candidates, and the count of candidates moves on
    /// by the test's 0 or 1), so the cost does not depend on how well the processor guesses which
    /// rows pass (a 500-neuron adjacency passes one row in fifteen on its pre side alone); then the
    /// rules and the exact test on the candidates only, whose values are still in cache.
    @inline(__always)
    static func forEachRowPassing<Test: RowTest>(_ pre: [UInt64], _ post: [UInt64], in range: Range<Int>, _ test: Test,
                                                 autapses: Bool, zeroRoots: Bool, rowsPerBlock: Int = scanBlock,
                                                 _ visit: (Int, UInt64, UInt64) -> Void) {
        precondition(range.upperBound <= min(pre.count, post.count) && rowsPerBlock > 0, "the scan's range lies outside the columns")
        let block = min(rowsPerBlock, max(1, range.count))
        withUnsafeTemporaryAllocation(of: Int.self, capacity: block) { candidates in
            pre.withUnsafeBufferPointer { from in
                post.withUnsafeBufferPointer { to in
                    guard let from = from.baseAddress, let to = to.baseAddress, let candidates = candidates.baseAddress else { return }
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let end = min(start + block, range.upperBound)
                        var found = 0
                        for row in start..<end {
                            candidates[found] = row
                            found &+= test.mayPass(from[row], to[row])
                        }
                        for k in 0..<found {
                            let row = candidates[k]
                            let a = from[row], b = to[row]
                            if !zeroRoots && (a == 0 || b == 0) { continue }
                            if !autapses && a == b { continue }
                            if test.passes(a, b) { visit(row, a, b) }
                        }
                        start = end
                    }
                }
            }
        }
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
///
/// Beside the hash map, a bitmap of one bit per ID (at the position the top bits of the ID times
/// 2^64/φ give: Fibonacci hashing, one multiplication), 64 bits per ID and at least 4,096:
/// `mayContain` is a multiply, a load and a bit test that says no for all but about 1/64 of the IDs
/// outside the set, so a scan rarely branches into the map.
struct IDSet: Sendable {
    private var map: FastHashMap<UInt64>
    private var bits: [UInt64]
    /// 64 − log2(bit count): the hash's top bits are the bit's position.
    private let shift: UInt64

    init(_ ids: [SegmentID]) {
        map = FastHashMap(capacity: ids.count)
        for id in ids { _ = map.insert(id.rawValue) }
        var log2 = 12
        while log2 < 26 && (1 << log2) < map.count * 64 { log2 += 1 }
        shift = UInt64(64 - log2)
        bits = [UInt64](repeating: 0, count: (1 << log2) / 64)
        for id in map.keys {
            let bit = Self.position(id, shift)
            bits[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    @inline(__always) func contains(_ id: UInt64) -> Bool { map.find(id) != nil }
    @inline(__always) func entry(_ id: UInt64) -> Int? { map.find(id) }

    /// False when `id` is surely not in the set; true when it may be (then ask `contains`).
    @inline(__always) func mayContain(_ id: UInt64) -> Bool { bit(id) != 0 }

    /// `mayContain(a) || mayContain(b)` without a branch between the two.
    @inline(__always) func mayContainEither(_ a: UInt64, _ b: UInt64) -> Bool { bit(a) | bit(b) != 0 }

    /// The bit of `id`: 1 when it may be in the set, 0 when it surely is not. Masking shifts (the
    /// position is below the bitmap's size by construction), so no test of the shift's range.
    @inline(__always) func bit(_ id: UInt64) -> Int {
        let position = Self.position(id, shift)
        let word = bits.withUnsafeBufferPointer { $0[position &>> 6] }
        return Int(truncatingIfNeeded: (word &>> UInt64(truncatingIfNeeded: position & 63)) & 1)
    }

    @inline(__always) private static func position(_ id: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) &>> shift)
    }

    /// For each distinct entry, the positions in `ids` that hold it (an ID given twice fills two rows).
    func positions(of ids: [SegmentID]) -> [[Int]] {
        var positions = [[Int]](repeating: [], count: map.count)
        for (index, id) in ids.enumerated() {
            if let entry = map.find(id.rawValue) { positions[entry].append(index) }
        }
        return positions
    }
}

/// A test of a row's (pre, post) in two steps: `mayPass`, quick and branch-free, may pass rows wrongly but never
/// fails them wrongly (the scan's first step, on every row); `passes`, exact, on the rows that
/// passed the first. One type per selection, so the scan is specialised for each and both are
/// inlined into its loop.
protocol RowTest: Sendable {
    /// 1 when the row may pass, 0 when it surely does not: computed without a branch.
    func mayPass(_ pre: UInt64, _ post: UInt64) -> Int
    func passes(_ pre: UInt64, _ post: UInt64) -> Bool
}

/// Pre among the IDs (downstream: the neurons' outputs).
struct PreIn: RowTest {
    let set: IDSet
    @inline(__always) func mayPass(_ pre: UInt64, _ post: UInt64) -> Int { set.bit(pre) }
    @inline(__always) func passes(_ pre: UInt64, _ post: UInt64) -> Bool { set.contains(pre) }
}

/// Post among the IDs (upstream: the neurons' inputs).
struct PostIn: RowTest {
    let set: IDSet
    @inline(__always) func mayPass(_ pre: UInt64, _ post: UInt64) -> Int { set.bit(post) }
    @inline(__always) func passes(_ pre: UInt64, _ post: UInt64) -> Bool { set.contains(post) }
}

/// Pre or post among the IDs, tested without a branch between the two: most rows touch neither.
struct EitherIn: RowTest {
    let set: IDSet
    @inline(__always) func mayPass(_ pre: UInt64, _ post: UInt64) -> Int { set.bit(pre) | set.bit(post) }
    @inline(__always) func passes(_ pre: UInt64, _ post: UInt64) -> Bool { set.contains(pre) || set.contains(post) }
}

/// Pre among the sources and post among the targets (the two bits and-ed, not a branch on the first).
struct BothIn: RowTest {
    let pre: IDSet
    let post: IDSet
    @inline(__always) func mayPass(_ pre: UInt64, _ post: UInt64) -> Int { self.pre.bit(pre) & self.post.bit(post) }
    @inline(__always) func passes(_ pre: UInt64, _ post: UInt64) -> Bool { self.pre.contains(pre) && self.post.contains(post) }
}
