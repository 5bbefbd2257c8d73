/// A neuron skeleton: a forest of nodes with positions in nanometres, as navis' `TreeNeuron` holds it.
///
/// Columnar on purpose (one array per field), so the node table, the k-d tree and the picture read
/// the arrays directly and a 100,000-node skeleton costs a few megabytes. Nodes are addressed by
/// index; `nodeIDs` are the IDs users see (precomputed skeletons number their vertices 0…n−1).
/// `parents[i]` is the index of node i's parent, −1 for a root. The initialiser checks that the
/// parents form a forest (no cycle), so every algorithm here can walk towards the root and stop.
public struct Skeleton: Sendable, Equatable {
    /// The segment (neuron) this skeleton belongs to; nil when unknown.
    public var segmentID: SegmentID?
    public internal(set) var nodeIDs: [Int]
    /// Index of each node's parent; −1 marks a root.
    public internal(set) var parents: [Int]
    /// Node positions in nanometres.
    public internal(set) var x: [Float]
    public internal(set) var y: [Float]
    public internal(set) var z: [Float]
    /// Node radii in nanometres, when the source has them.
    public internal(set) var radius: [Float]?
    /// Other per-vertex attributes of the source (e.g. `compartment`), in the source's order.
    public var attributes: [VertexAttribute]
    /// Edges the source listed that the tree could not use: repeats, self-loops and edges that closed a cycle.
    public var droppedEdges: Int

    /// One extra per-vertex attribute: `components` values per node, node-major.
    public struct VertexAttribute: Sendable, Equatable {
        public var id: String
        public var components: Int
        public var values: [Double]

        public init(id: String, components: Int, values: [Double]) {
            self.id = id
            self.components = components
            self.values = values
        }
    }

    /// Builds a skeleton from parent indices, checking every count and that the parents form a forest.
    ///
    /// `nodeIDs` defaults to 0…n−1. Throws `ConnectomeError.data` naming the first bad field.
    public init(segmentID: SegmentID? = nil, nodeIDs: [Int]? = nil, parents: [Int], x: [Float], y: [Float], z: [Float],
                radius: [Float]? = nil, attributes: [VertexAttribute] = [], droppedEdges: Int = 0,
                source: String = "skeleton") throws {
        try self.init(checking: segmentID, nodeIDs: nodeIDs, parents: parents, x: x, y: y, z: z, radius: radius,
                      attributes: attributes, droppedEdges: droppedEdges, source: source, knownForest: false)
    }

    /// The public initialiser's checks; `knownForest` skips the cycle check for parents built as a
    /// forest (breadth-first search from roots), and node IDs 0…n−1 (`nodeIDs` nil) are unique without a check.
    init(checking segmentID: SegmentID?, nodeIDs: [Int]?, parents: [Int], x: [Float], y: [Float], z: [Float],
         radius: [Float]?, attributes: [VertexAttribute], droppedEdges: Int, source: String, knownForest: Bool) throws {
        let count = parents.count
        let ids = nodeIDs ?? Array(0..<count)
        for (name, length) in [("node_id", ids.count), ("x", x.count), ("y", y.count), ("z", z.count),
                               ("radius", radius?.count ?? count)] where length != count {
            throw ConnectomeError.data("\(source): \(name) has \(length) values for \(count) nodes",
                                       hint: "Every node column must have one value per node")
        }
        for attribute in attributes {
            let (expected, overflow) = count.multipliedReportingOverflow(by: attribute.components)
            guard attribute.components >= 1, !overflow, attribute.values.count == expected else {
                throw ConnectomeError.data(
                    "\(source): vertex attribute \"\(attribute.id)\" has \(attribute.values.count) values for \(count) nodes × \(attribute.components) components",
                    hint: "Every vertex attribute must have num_components values per node")
            }
        }
        for index in 0..<count where !(x[index].isFinite && y[index].isFinite && z[index].isFinite) {
            throw ConnectomeError.data("\(source): node \(ids[index]) has the position (\(x[index]), \(y[index]), \(z[index]))",
                                       hint: "Node positions must be finite numbers (nm)")
        }
        if nodeIDs != nil {
            var seen = Set<Int>(minimumCapacity: count)
            for id in ids where !seen.insert(id).inserted {
                throw ConnectomeError.data("\(source): node ID \(id) occurs twice", hint: "Node IDs must be unique")
            }
        }
        for (index, parent) in parents.enumerated() where parent < -1 || parent >= count {
            throw ConnectomeError.data("\(source): node \(ids[index]) has the parent index \(parent); expected −1 (root) or 0…\(count - 1)",
                                       hint: "Parents are node indices; −1 marks a root")
        }
        if !knownForest, let cycle = Self.firstNodeOnCycle(parents) {
            throw ConnectomeError.data("\(source): the parents of node \(ids[cycle]) lead back to it (a cycle)",
                                       hint: "A skeleton's parent links must form a tree (or a forest) ending in roots")
        }
        self.init(unchecked: segmentID, ids, parents, x, y, z, radius, attributes, droppedEdges)
    }

    /// For the algorithms here, whose output is a forest by construction.
    init(unchecked segmentID: SegmentID?, _ nodeIDs: [Int], _ parents: [Int], _ x: [Float], _ y: [Float], _ z: [Float],
         _ radius: [Float]?, _ attributes: [VertexAttribute], _ droppedEdges: Int) {
        self.segmentID = segmentID
        self.nodeIDs = nodeIDs
        self.parents = parents
        self.x = x
        self.y = y
        self.z = z
        self.radius = radius
        self.attributes = attributes
        self.droppedEdges = droppedEdges
    }

    public var nodeCount: Int { parents.count }

    /// The position of node `index` in nanometres.
    public func position(_ index: Int) -> Point3 {
        Point3(Double(x[index]), Double(y[index]), Double(z[index]))
    }

    /// The index of the node with ID `id`, or nil (a linear scan: build `nodeIndexByID` for many look-ups).
    public func index(ofNodeID id: Int) -> Int? {
        if id >= 0, id < nodeIDs.count, nodeIDs[id] == id { return id }
        return nodeIDs.firstIndex(of: id)
    }

    /// Node ID → index for every node.
    public var nodeIndexByID: [Int: Int] {
        var map = [Int: Int](minimumCapacity: nodeCount)
        for (index, id) in nodeIDs.enumerated() { map[id] = index }
        return map
    }

    /// A node on a parent cycle, or nil when the parents form a forest. Iterative, O(n).
    static func firstNodeOnCycle(_ parents: [Int]) -> Int? {
        // 0 = unvisited, 1 = on the current walk, 2 = known to reach a root.
        var state = [UInt8](repeating: 0, count: parents.count)
        var walk: [Int] = []
        for start in parents.indices where state[start] == 0 {
            var node = start
            while node >= 0, state[node] == 0 {
                state[node] = 1
                walk.append(node)
                node = parents[node]
            }
            if node >= 0, state[node] == 1 { return node }
            for visited in walk { state[visited] = 2 }
            walk.removeAll(keepingCapacity: true)
        }
        return nil
    }
}

/// A point in nanometres (skeleton node positions, query positions).
public struct Point3: Sendable, Equatable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(_ x: Double, _ y: Double, _ z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    public func distance(to other: Point3) -> Double {
        let dx = x - other.x, dy = y - other.y, dz = z - other.z
        return (dx * dx + dy * dy + dz * dz).squareRoot()
    }

    public var description: String { "(\(x), \(y), \(z))" }
}
