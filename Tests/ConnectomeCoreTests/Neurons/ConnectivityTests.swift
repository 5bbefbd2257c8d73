import Testing
@testable import ConnectomeCore

/// `synapses`, `partners` and `adjacency` against plain reference loops on random tables with the
/// awkward rows in them (zero roots, autapses, null IDs and weights, IDs given twice), and the
/// scan's pieces (the ID set's bitmap, the chunked pass) against their definitions.
@Suite struct ConnectivityTests {
    typealias Random = SplitMix64

    /// Root IDs as FlyWire's look (one 0 among them: "no root").
    static let pool: [UInt64] = [0] + (1...59).map { 576_460_752_000_000_000 + UInt64($0) * 7_919 }

    struct Rows {
        var pre: [UInt64?]
        var post: [UInt64?]
        var weight: [Int64?]?
    }

    static func rows(_ count: Int, connections: Bool, seed: UInt64) -> Rows {
        var random = Random(state: seed)
        var rows = Rows(pre: [], post: [], weight: connections ? [] : nil)
        for _ in 0..<count {
            let a = pool[random.below(pool.count)]
            let b = random.below(10) == 0 ? a : pool[random.below(pool.count)]  // some autapses
            rows.pre.append(random.below(50) == 0 ? nil : a)
            rows.post.append(random.below(50) == 0 ? nil : b)
            rows.weight?.append(random.below(40) == 0 ? nil : Int64(random.below(12)))  // zeros and nulls too
        }
        return rows
    }

    static func table(_ rows: Rows) throws -> SynapseTable {
        var columns = [DataColumn("pre_pt_root_id", .uint64(ScalarColumn(rows.pre, null: 0))),
                       DataColumn("post_pt_root_id", .uint64(ScalarColumn(rows.post, null: 0)))]
        if let weight = rows.weight { columns.append(DataColumn("syn_count", .int64(ScalarColumn(weight, null: 0)))) }
        return try SynapseTable(try DataTable(columns: columns), name: "test")
    }

    static func ids(_ count: Int, random: inout Random) -> [SegmentID] {
        (0..<count).map { _ in SegmentID(pool[random.below(pool.count)]) }
    }

    /// The reference's rule for one row.
    static func keeps(_ rows: Rows, _ row: Int, _ selection: SynapseSelection, autapses: Bool) -> Bool {
        guard let a = rows.pre[row], let b = rows.post[row], a != 0, b != 0 else { return false }
        if a == b && !autapses { return false }
        let has = { (ids: [SegmentID], id: UInt64) in ids.contains(SegmentID(id)) }
        switch selection {
        case .from(let ids): return has(ids, a)
        case .onto(let ids): return has(ids, b)
        case .touching(let ids): return has(ids, a) || has(ids, b)
        case .between(let pre, let post): return has(pre, a) && has(post, b)
        }
    }

    static func uint64s(_ table: DataTable, _ name: String) -> [UInt64] {
        guard case .uint64(let column)? = table.column(name)?.data else { return [] }
        return column.values
    }

    static func int64s(_ table: DataTable, _ name: String) -> [Int64] {
        guard case .int64(let column)? = table.column(name)?.data else { return [] }
        return column.values
    }

    @Test(arguments: [false, true])
    func synapsesPartnersAndAdjacencyMatchTheReference(connections: Bool) throws {
        let rows = Self.rows(20_000, connections: connections, seed: connections ? 3 : 4)
        let table = try Self.table(rows)
        var random = Random(state: 99)
        for round in 0..<12 {
            let ids = Self.ids(1 + random.below(6), random: &random)
            let others = Self.ids(1 + random.below(6), random: &random)
            let autapses = round % 3 == 0
            for selection in [SynapseSelection.from(ids), .onto(ids), .touching(ids), .between(pre: ids, post: others)] {
                let expected = rows.pre.indices.filter { Self.keeps(rows, $0, selection, autapses: autapses) }
                let got = try table.synapses(selection, autapses: autapses)
                #expect(Self.uint64s(got, "pre") == expected.map { rows.pre[$0]! }, "\(selection)")
                #expect(Self.uint64s(got, "post") == expected.map { rows.post[$0]! }, "\(selection)")
            }
            for direction in PartnerDirection.allCases {
                let threshold = Int64(1 + round % 4)
                let selection = direction.selection(ids)
                // Pairs in order of first appearance, weights summed (null weights skipped), heavy
                // enough, then a stable sort by weight, heaviest first.
                var order: [[UInt64]] = [], sums: [[UInt64]: Int64] = [:]
                for row in rows.pre.indices where Self.keeps(rows, row, selection, autapses: autapses) {
                    let pair = [rows.pre[row]!, rows.post[row]!]
                    if sums[pair] == nil { order.append(pair); sums[pair] = 0 }
                    if let weights = rows.weight {
                        sums[pair]! += weights[row] ?? 0
                    } else {
                        sums[pair]! += 1
                    }
                }
                let expected = order.filter { sums[$0]! >= threshold }.enumerated()
                    .sorted { sums[$0.element]! != sums[$1.element]! ? sums[$0.element]! > sums[$1.element]! : $0.offset < $1.offset }
                    .map(\.element)
                let got = try table.partners(of: ids, direction: direction, threshold: threshold, autapses: autapses)
                #expect(got.columnNames == ["pre", "post", "weight"])
                #expect(Self.uint64s(got, "pre") == expected.map { $0[0] }, "\(direction) threshold \(threshold)")
                #expect(Self.uint64s(got, "post") == expected.map { $0[1] }, "\(direction) threshold \(threshold)")
                #expect(Self.int64s(got, "weight") == expected.map { sums[$0]! }, "\(direction) threshold \(threshold)")
            }
            // Adjacency, with an ID given twice among the sources.
            let sources = ids + [ids[0]], threshold = Int64(1 + round % 3)
            var counts = [Int64](repeating: 0, count: sources.count * others.count)
            for row in rows.pre.indices {
                guard let a = rows.pre[row], let b = rows.post[row], autapses || a != b else { continue }
                let weight = rows.weight.map { max(0, $0[row] ?? 0) } ?? 1
                for (i, source) in sources.enumerated() where source.rawValue == a {
                    for (j, target) in others.enumerated() where target.rawValue == b { counts[i * others.count + j] += weight }
                }
            }
            counts = counts.map { $0 < threshold ? 0 : $0 }
            let matrix = try table.adjacency(sources: sources, targets: others, threshold: threshold, autapses: autapses)
            #expect(matrix.counts == counts, "round \(round)")
        }
    }

    @Test func theChunkedPassKeepsEveryRowInOrder() {
        var random = Random(state: 21)
        let pre = (0..<5_003).map { _ in Self.pool[random.below(Self.pool.count)] }
        let post = (0..<5_003).map { k in k % 9 == 0 ? pre[k] : Self.pool[random.below(Self.pool.count)] }
        let ids = Self.ids(4, random: &random).map(\.rawValue) + [0], others = Self.ids(9, random: &random).map(\.rawValue)
        let set = IDSet(ids.map { SegmentID($0) }), otherSet = IDSet(others.map { SegmentID($0) })
        let tests: [(String, any RowTest, (UInt64, UInt64) -> Bool)] = [
            ("pre", PreIn(set: set), { a, _ in ids.contains(a) }),
            ("post", PostIn(set: set), { _, b in ids.contains(b) }),
            ("either", EitherIn(set: set), { a, b in ids.contains(a) || ids.contains(b) }),
            ("both", BothIn(pre: set, post: otherSet), { a, b in ids.contains(a) && others.contains(b) }),
        ]
        for (name, test, member) in tests {
            for autapses in [false, true] {
                for zeroRoots in [false, true] {
                    let expected = pre.indices.filter { row in
                        let a = pre[row], b = post[row]
                        return member(a, b) && (autapses || a != b) && (zeroRoots || (a != 0 && b != 0))
                    }
                    for (rowsPerChunk, rowsPerBlock) in [(1, 1), (7, 3), (1_000, 64), (1 << 18, SynapseTable.scanBlock), (1 << 18, 5_003)] {
                        #expect(Self.passing(pre, post, test, autapses, zeroRoots, rowsPerChunk, rowsPerBlock) == expected,
                                "\(name), autapses \(autapses), zero roots \(zeroRoots), \(rowsPerChunk) rows per chunk, \(rowsPerBlock) per block")
                    }
                }
            }
        }
    }

    static func passing(_ pre: [UInt64], _ post: [UInt64], _ test: some RowTest, _ autapses: Bool, _ zeroRoots: Bool,
                        _ rowsPerChunk: Int, _ rowsPerBlock: Int) -> [Int] {
        SynapseTable.rowsPassing(pre, post, test, autapses: autapses, zeroRoots: zeroRoots, rowsPerChunk: rowsPerChunk,
                                 rowsPerBlock: rowsPerBlock)
    }

    /// The keys `partners` groups, gathered in the pass, are the selected rows' values in row order:
    /// against the reference rule, with null IDs and null weights among the rows, on a table large
    /// enough for four chunks.
    @Test(arguments: [false, true])
    func theKeysGatheredInThePassAreTheSelectedRows(connections: Bool) throws {
        let rows = Self.rows(1 << 20, connections: connections, seed: connections ? 5 : 6)
        let table = try Self.table(rows)
        var random = Random(state: 17)
        for round in 0..<2 {
            let ids = Self.ids(1 + random.below(4), random: &random), others = Self.ids(3, random: &random)
            let autapses = round == 1
            for selection in [SynapseSelection.from(ids), .onto(ids), .touching(ids), .between(pre: ids, post: others)] {
                let expected = rows.pre.indices.filter { Self.keeps(rows, $0, selection, autapses: autapses) }
                let got = try table.selectedKeys(selection, autapses: autapses)
                #expect(got.columnNames == (connections ? ["pre", "post", "weight"] : ["pre", "post"]))
                #expect(Self.uint64s(got, "pre") == expected.map { rows.pre[$0]! }, "\(selection)")
                #expect(Self.uint64s(got, "post") == expected.map { rows.post[$0]! }, "\(selection)")
                if let weights = rows.weight {
                    guard case .int64(let column)? = got.column("weight")?.data else {
                        Issue.record("no int64 weight column")
                        continue
                    }
                    #expect((0..<column.count).map { column[$0] } == expected.map { weights[$0] }, "\(selection)")
                }
            }
        }
    }

    @Test(arguments: [1, 10, 500, 5_000])
    func theBitmapNeverMissesAMemberAndRarelyPassesAStranger(size: Int) {
        var random = Random(state: UInt64(size))
        let members = (0..<size).map { _ in SegmentID(576_460_752_000_000_000 &+ random.next() % 10_000_000_000) }
        let set = IDSet(members)
        #expect(members.allSatisfy { set.mayContain($0.rawValue) && set.contains($0.rawValue) })
        let strangers = (0..<20_000).map { _ in 576_460_762_000_000_000 &+ random.next() % 10_000_000_000 }
        let passed = strangers.filter { set.mayContain($0) }.count
        #expect(passed < 20_000 / 20, "\(passed) of 20,000 IDs outside a set of \(size) passed the bitmap")
        #expect(!strangers.contains { set.contains($0) })
        #expect(strangers.allSatisfy { set.mayContainEither($0, members[0].rawValue) })
    }
}
