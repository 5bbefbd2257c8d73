/// Rerooting, with navis' `reroot_skeleton` semantics.
extension Skeleton {
    /// The same skeleton with node `index` as the root of its tree.
    ///
    /// Only parent links change: those on the path from the new root to the old root are reversed
    /// and the new root gets −1, as navis does; other trees keep their roots; node IDs, positions,
    /// radii and attributes stay. A node that already is a root gives the skeleton unchanged.
    /// O(length of the path), iterative, so 100,000-node skeletons are no problem.
    public func rerooted(atIndex index: Int) -> Skeleton {
        precondition(parents.indices.contains(index), "node index \(index) is outside 0..<\(nodeCount)")
        var copy = self
        var previous = -1
        var node = index
        while node >= 0 {
            let next = copy.parents[node]
            copy.parents[node] = previous
            previous = node
            node = next
        }
        return copy
    }

    /// Reroots at the node with ID `nodeID`; an ID that is not a node is an `ArgumentError`.
    public func rerooted(atNodeID nodeID: Int) throws -> Skeleton {
        guard let index = index(ofNodeID: nodeID) else {
            let sample = nodeIDs.prefix(5).map(String.init).joined(separator: ", ")
            throw ConnectomeError.argument(
                "node \(nodeID) is not in the skeleton\(segmentID.map { " of \($0)" } ?? ""), whose \(nodeCount) node IDs start \(sample)",
                hint: "Reroot at an existing node ID, or at a position (the nearest node is taken)")
        }
        return rerooted(atIndex: index)
    }

    /// Reroots at each node ID in turn (navis applies a list of new roots in order).
    public func rerooted(atNodeIDs nodeIDs: [Int]) throws -> Skeleton {
        var result = self
        for id in nodeIDs { result = try result.rerooted(atNodeID: id) }
        return result
    }

    /// Reroots at the node nearest to `position` (nm), crantpy's `reroot_at_soma` step; returns the
    /// new skeleton and the distance from the position to that node.
    public func rerooted(nearest position: Point3) throws -> (skeleton: Skeleton, nodeIndex: Int, distance: Double) {
        guard let hit = nearestNodeByScan(position) else {
            throw ConnectomeError.argument("the skeleton\(segmentID.map { " of \($0)" } ?? "") has no nodes to reroot at",
                                           hint: "Load a skeleton with nodes first")
        }
        return (rerooted(atIndex: hit.index), hit.index, hit.distance)
    }
}
