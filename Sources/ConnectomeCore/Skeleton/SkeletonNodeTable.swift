/// A skeleton's node table as columns, with navis' column names (`node_id`, `parent_id`, `x`, `y`, `z`, `radius`).
///
/// What the `nodes` command shows and saves; `parent_id` is the parent's node ID, −1 for roots
/// (navis' convention), positions and radii in nanometres.
public struct SkeletonNodeTable: Sendable, Equatable {
    public static let columnNames = ["node_id", "parent_id", "x", "y", "z", "radius"]

    public var nodeID: [Int]
    public var parentID: [Int]
    public var x: [Double]
    public var y: [Double]
    public var z: [Double]
    /// nil when the skeleton has no radii (the column is all nulls).
    public var radius: [Double]?

    public var rowCount: Int { nodeID.count }
}

extension Skeleton {
    public var nodeTable: SkeletonNodeTable {
        SkeletonNodeTable(nodeID: nodeIDs, parentID: parents.map { $0 < 0 ? -1 : nodeIDs[$0] },
                          x: x.map(Double.init), y: y.map(Double.init), z: z.map(Double.init),
                          radius: radius?.map(Double.init))
    }
}
