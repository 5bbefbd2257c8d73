/// Turning an undirected edge list (precomputed skeletons, CAVE `edges`) into parent links.
extension Skeleton {
    /// Builds the tree by breadth-first search from a root in each connected component.
    ///
    /// Precomputed edges are unordered pairs, so the tree is whatever BFS from the root makes of them:
    /// repeated edges, self-loops and edges that would close a cycle are dropped and counted in
    /// `droppedEdges`. The root of the component holding `root` is `root`; every other component's
    /// root is, in order of preference: the one vertex that is never an edge's first element when the
    /// component's edges all read (child, parent) as CAVE and this kernel's writer store them; else its
    /// vertex of largest radius (the soma, as skeletonisers draw it); else its first vertex. Node IDs
    /// are the vertex indices. Throws `ConnectomeError.data` for an edge endpoint out of range.
    public init(segmentID: SegmentID? = nil, x: [Float], y: [Float], z: [Float], edges: [(Int, Int)], root: Int? = nil,
                radius: [Float]? = nil, attributes: [VertexAttribute] = [], source: String = "skeleton") throws {
        let count = x.count
        guard y.count == count, z.count == count else {
            throw ConnectomeError.data("\(source): x, y and z have \(count), \(y.count) and \(z.count) values",
                                       hint: "Every vertex needs three coordinates")
        }
        if let root, !(0..<count).contains(root) {
            throw ConnectomeError.argument("root \(root) is not a vertex of \(source), which has vertices 0…\(count - 1)",
                                           hint: "Give the index of an existing vertex")
        }
        for (index, edge) in edges.enumerated() where !(0..<count).contains(edge.0) || !(0..<count).contains(edge.1) {
            throw ConnectomeError.data("\(source): edge \(index) joins vertices \(edge.0) and \(edge.1); the skeleton has vertices 0…\(count - 1)",
                                       hint: "Edges must name existing vertices")
        }
        if root == nil, let parents = Self.parentsAsStored(count: count, edges: edges) {
            try self.init(checking: segmentID, nodeIDs: nil, parents: parents, x: x, y: y, z: z, radius: radius,
                          attributes: attributes, droppedEdges: 0, source: source, knownForest: true)
            return
        }
        let graph = AdjacencyList(vertexCount: count, edges: edges)
        var parents = [Int](repeating: -2, count: count)  // −2 = not reached yet
        var queue = [Int](repeating: 0, count: count)
        var components = 0

        /// Breadth-first from `start` over the vertices still marked `unreached`, marking them `mark`
        /// (nil: their BFS parent); the vertices reached are queue[0..<returned count].
        func search(from start: Int, unreached: Int, mark: Int?) -> Int {
            parents[start] = mark ?? -1
            queue[0] = start
            var head = 0, tail = 1
            graph.offsets.withUnsafeBufferPointer { offsets in
                graph.targets.withUnsafeBufferPointer { targets in
                    parents.withUnsafeMutableBufferPointer { parents in
                        queue.withUnsafeMutableBufferPointer { queue in
                            while head < tail {
                                let node = queue[head]
                                head += 1
                                for k in offsets[node]..<offsets[node + 1] {
                                    let neighbour = targets[k]
                                    if parents[neighbour] == unreached {
                                        parents[neighbour] = mark ?? node
                                        queue[tail] = neighbour
                                        tail += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return tail
        }

        if let root {
            _ = search(from: root, unreached: -2, mark: nil)
            components += 1
        }
        // Vertices the CAVE orientation calls children (they appear first in some edge).
        var isChild = [Bool](repeating: false, count: count)
        var childEdges = [Int](repeating: 0, count: count)
        for edge in edges where edge.0 != edge.1 {
            isChild[edge.0] = true
            childEdges[edge.0] += 1
        }
        for start in 0..<count where parents[start] == -2 {
            // Collect the component (a throwaway search marking it −3), choose its root, then search from there.
            let size = search(from: start, unreached: -2, mark: -3)
            let members = Array(queue[0..<size])
            let chosen = Self.preferredRoot(members, isChild: isChild, childEdges: childEdges, radius: radius)
            for member in members { parents[member] = -2 }
            _ = search(from: chosen, unreached: -2, mark: nil)
            components += 1
        }
        let usable = edges.count
        try self.init(checking: segmentID, nodeIDs: nil, parents: parents, x: x, y: y, z: z, radius: radius,
                      attributes: attributes, droppedEdges: usable - (count - components), source: source, knownForest: true)
    }

    /// The parents when the edges read (child, parent) as CAVE and this kernel's writer store them:
    /// no self-loops, every vertex the child of at most one edge, and no cycle. Then each component's
    /// one vertex that is never a child is its root, and breadth-first search from it gives every
    /// child the parent its edge names, so this is the general path's answer without building the
    /// graph. Nil when the edges are not like that.
    private static func parentsAsStored(count: Int, edges: [(Int, Int)]) -> [Int]? {
        var parents = [Int](repeating: -1, count: count)
        let stored = parents.withUnsafeMutableBufferPointer { parents in
            edges.withUnsafeBufferPointer { edges in
                for (child, parent) in edges {
                    guard child != parent, parents[child] == -1 else { return false }
                    parents[child] = parent
                }
                return true
            }
        }
        guard stored, firstNodeOnCycle(parents) == nil else { return nil }
        return parents
    }

    private static func preferredRoot(_ members: [Int], isChild: [Bool], childEdges: [Int], radius: [Float]?) -> Int {
        let notChildren = members.filter { !isChild[$0] }
        if notChildren.count == 1, members.allSatisfy({ isChild[$0] ? childEdges[$0] == 1 : true }) {
            return notChildren[0]
        }
        if let radius {
            var best = members[0]
            for member in members where radius[member] > radius[best] || (radius[member] == radius[best] && member < best) {
                best = member
            }
            return best
        }
        return members.min() ?? members[0]
    }
}

/// An undirected graph in compressed sparse rows: the neighbours of vertex v are
/// `targets[offsets[v]..<offsets[v + 1]]`.
struct AdjacencyList {
    private(set) var offsets: [Int]
    private(set) var targets: [Int]

    /// Self-loops are left out; repeated edges stay (BFS ignores visited vertices anyway).
    init(vertexCount: Int, edges: [(Int, Int)]) {
        var degree = [Int](repeating: 0, count: vertexCount + 1)
        for (a, b) in edges where a != b {
            degree[a + 1] += 1
            degree[b + 1] += 1
        }
        for v in 0..<vertexCount { degree[v + 1] += degree[v] }
        offsets = degree
        var fill = degree
        targets = [Int](repeating: 0, count: degree[vertexCount])
        for (a, b) in edges where a != b {
            targets[fill[a]] = b
            fill[a] += 1
            targets[fill[b]] = a
            fill[b] += 1
        }
    }
}
