/// Nearest nodes to positions: crantpy's `map_position_to_node` (navis `Skeleton.snap`).
extension Skeleton {
    /// The node nearest to each position (nm): its ID, index and Euclidean distance in nm.
    ///
    /// One k-d tree serves all positions. A position with a non-finite coordinate is an
    /// `ArgumentError` naming it; an empty skeleton is one too.
    public func nearestNodes(to positions: [Point3]) throws -> [(nodeID: Int, index: Int, distance: Double)] {
        if let bad = positions.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            throw ConnectomeError.argument("position \(bad + 1) \(positions[bad]) is not three finite numbers",
                                           hint: "Give positions in nanometres as (x, y, z)")
        }
        guard nodeCount > 0 else {
            throw ConnectomeError.argument("the skeleton\(segmentID.map { " of \($0)" } ?? "") has no nodes",
                                           hint: "Load a skeleton with nodes first")
        }
        let tree = KDTree(self)
        var result: [(nodeID: Int, index: Int, distance: Double)] = []
        result.reserveCapacity(positions.count)
        for position in positions {
            guard let hit = tree.nearest(to: position) else { continue }  // unreachable: finite query, non-empty tree
            result.append((nodeIDs[hit.index], hit.index, hit.distance))
        }
        return result
    }
}
