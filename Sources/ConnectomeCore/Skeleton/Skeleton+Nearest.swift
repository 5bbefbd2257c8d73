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
        // A few positions are answered faster by scanning the nodes than by building a tree first.
        let hits = positions.count <= Self.positionsScanned ? positions.map(nearestNodeByScan)
            : KDTree(self).nearest(to: positions)
        var result: [(nodeID: Int, index: Int, distance: Double)] = []
        result.reserveCapacity(positions.count)
        for hit in hits {
            guard let hit else { continue }  // unreachable: finite query, non-empty skeleton
            result.append((nodeIDs[hit.index], hit.index, hit.distance))
        }
        return result
    }

    /// Up to this many positions, `nearestNodes` scans the nodes instead of building a k-d tree
    /// (a scan of 100,000 nodes costs about what a tenth of the tree's build does).
    static let positionsScanned = 16

    /// The node nearest to `position` by looking at every node: the k-d tree's answer (same squared
    /// distances in double precision, ties to the lower index). Nil for an empty skeleton or a
    /// position that is not finite.
    public func nearestNodeByScan(_ position: Point3) -> (index: Int, distance: Double)? {
        guard nodeCount > 0, position.x.isFinite, position.y.isFinite, position.z.isFinite else { return nil }
        var best = 0
        var bestDistance = Double.infinity
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                z.withUnsafeBufferPointer { zs in
                    for index in 0..<xs.count {
                        let dx = Double(xs[index]) - position.x, dy = Double(ys[index]) - position.y
                        let dz = Double(zs[index]) - position.z
                        let d = dx * dx + dy * dy + dz * dz
                        if d < bestDistance {
                            bestDistance = d
                            best = index
                        }
                    }
                }
            }
        }
        return (best, bestDistance.squareRoot())
    }
}
