/// Node types, counts and cable length, as navis computes them.
extension Skeleton {
    /// navis' node classes (`navis.graph.classify_nodes`).
    public enum NodeType: String, Sendable, CaseIterable {
        /// No parent (takes precedence over the others, so a root with two children is a root).
        case root
        /// No children.
        case end
        /// Two or more children.
        case branch
        /// Exactly one child.
        case slab
    }

    /// How many children each node has.
    public var childCounts: [Int] {
        var counts = [Int](repeating: 0, count: nodeCount)
        for parent in parents where parent >= 0 { counts[parent] += 1 }
        return counts
    }

    /// The type of every node, navis' precedence: root, then branch (≥ 2 children), end (none), slab.
    public var nodeTypes: [NodeType] {
        let counts = childCounts
        return parents.indices.map { index in
            if parents[index] < 0 { return .root }
            switch counts[index] {
            case 0: return .end
            case 1: return .slab
            default: return .branch
            }
        }
    }

    /// Indices of the roots (one per connected component).
    public var roots: [Int] { parents.indices.filter { parents[$0] < 0 } }

    /// The first root: the skeleton's root when it is one tree.
    public var root: Int? { parents.firstIndex(of: -1) }

    /// Indices of branch points (non-root nodes with two or more children; navis `n_branches`).
    public var branchPoints: [Int] {
        let types = nodeTypes
        return types.indices.filter { types[$0] == .branch }
    }

    /// Indices of tips (non-root nodes without children; navis `n_leafs`).
    public var tips: [Int] {
        let types = nodeTypes
        return types.indices.filter { types[$0] == .end }
    }

    /// Total length of the parent links in nanometres (navis `cable_length`), summed in double precision.
    public var cableLengthNanometres: Double {
        var total = 0.0
        for (index, parent) in parents.enumerated() where parent >= 0 {
            let dx = Double(x[index]) - Double(x[parent])
            let dy = Double(y[index]) - Double(y[parent])
            let dz = Double(z[index]) - Double(z[parent])
            total += (dx * dx + dy * dy + dz * dz).squareRoot()
        }
        return total
    }

    /// Cable length in micrometres.
    public var cableLengthMicrometres: Double { cableLengthNanometres / 1000 }

    /// The smallest box holding every node, in nanometres; nil for an empty skeleton.
    public var bounds: (min: Point3, max: Point3)? {
        guard nodeCount > 0 else { return nil }
        var low = position(0), high = low
        for index in 1..<nodeCount {
            let p = position(index)
            low = Point3(min(low.x, p.x), min(low.y, p.y), min(low.z, p.z))
            high = Point3(max(high.x, p.x), max(high.y, p.y), max(high.z, p.z))
        }
        return (low, high)
    }
}
