/// Synapse counts between two ordered lists of neurons: `adjacency`'s answer.
///
/// Rows are the sources and columns the targets, in the order the user gave them (an ID given
/// twice is a row twice), so the matrix lines up with the lists it came from.
public struct AdjacencyMatrix: Sendable, Equatable {
    public let sources: [SegmentID]
    public let targets: [SegmentID]
    /// Row-major: `counts[row * targets.count + column]`.
    public let counts: [Int64]

    public init(sources: [SegmentID], targets: [SegmentID], counts: [Int64]) {
        precondition(counts.count == sources.count * targets.count, "an adjacency matrix needs one count per pair")
        self.sources = sources
        self.targets = targets
        self.counts = counts
    }

    public subscript(source: Int, target: Int) -> Int64 { counts[source * targets.count + target] }

    public var total: Int64 { counts.reduce(0, &+) }
    public var maximum: Int64 { counts.max() ?? 0 }
    public var nonzeroCount: Int { counts.reduce(0) { $0 + ($1 == 0 ? 0 : 1) } }

    /// The matrix as a table: a `pre` column of the sources, then one int64 column per target,
    /// named by its ID (a target given twice gets a `#2` suffix, as column names must be unique).
    public func table() throws(ConnectomeError) -> DataTable {
        var columns = [DataColumn("pre", .uint64(ScalarColumn(values: SegmentID.rawValues(sources))))]
        var used: Set<String> = ["pre"]
        var copies: [UInt64: Int] = [:]
        for (column, target) in targets.enumerated() {
            var name = String(target.rawValue)
            while !used.insert(name).inserted {
                let copy = (copies[target.rawValue] ?? 1) + 1
                copies[target.rawValue] = copy
                name = "\(target.rawValue)#\(copy)"
            }
            let values = (0..<sources.count).map { counts[$0 * targets.count + column] }
            columns.append(DataColumn(name, .int64(ScalarColumn(values: values))))
        }
        return try DataTable(columns: columns)
    }
}
