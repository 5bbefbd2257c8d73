/// A skeleton value drawn in a scene: its nodes (nm) and (child, parent) edges, linked to its neuron.
extension SkeletonRequest {
    public init(_ skeleton: Skeleton, name: String? = nil) {
        let nodes = (0..<skeleton.nodeCount).map { index in
            let position = skeleton.position(index)
            return Node(id: Int64(skeleton.nodeIDs[index]), position: [position.x, position.y, position.z])
        }
        let edges = skeleton.parents.enumerated().compactMap { child, parent -> [Int64]? in
            parent < 0 ? nil : [Int64(skeleton.nodeIDs[child]), Int64(skeleton.nodeIDs[parent])]
        }
        self.init(name: name ?? skeleton.segmentID.map { "skeleton \($0)" } ?? "skeleton",
                  nodes: nodes, edges: edges, segment: skeleton.segmentID)
    }
}
