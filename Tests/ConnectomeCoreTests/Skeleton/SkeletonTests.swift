import Foundation
import Testing
@testable import ConnectomeCore

/// Skeleton construction, trees from edges, navis' node types, cable length and rerooting.
@Suite struct SkeletonTests {
    /// ```
    ///        0 (root)
    ///        |
    ///        1
    ///       / \
    ///      2   4
    ///      |   |\
    ///      3   5 6
    /// ```
    static func tree() throws -> Skeleton {
        try Skeleton(parents: [-1, 0, 1, 2, 1, 4, 4], x: [0, 0, 0, 0, 3, 3, 6], y: [0, 4, 8, 12, 8, 12, 8],
                     z: [0, 0, 0, 0, 0, 0, 0], radius: [5, 1, 1, 1, 1, 1, 1])
    }

    @Test func nodeTypesFollowNavis() throws {
        let skeleton = try Self.tree()
        #expect(skeleton.nodeTypes == [.root, .branch, .slab, .end, .branch, .end, .end])
        #expect(skeleton.branchPoints == [1, 4])
        #expect(skeleton.tips == [3, 5, 6])
        #expect(skeleton.roots == [0])
        // A root with two children stays a root; a lone node is a root, not an end.
        let forked = try Skeleton(parents: [-1, 0, 0, -1], x: [0, 1, 2, 9], y: [0, 0, 0, 0], z: [0, 0, 0, 0])
        #expect(forked.nodeTypes == [.root, .end, .end, .root])
    }

    @Test func cableLengthSumsParentLinks() throws {
        let skeleton = try Self.tree()
        // 4 + 4 + 4 + 5 (1→4: 3,4) + 4 + 3
        #expect(skeleton.cableLengthNanometres == 24)
        #expect(abs(skeleton.cableLengthMicrometres - 0.024) < 1e-12)
    }

    @Test func rejectsCyclesAndBadParents() {
        #expect(throws: ConnectomeError.self) { try Skeleton(parents: [1, 2, 0], x: [0, 0, 0], y: [0, 0, 0], z: [0, 0, 0]) }
        #expect(throws: ConnectomeError.self) { try Skeleton(parents: [-1, 0, 2], x: [0, 0, 0], y: [0, 0, 0], z: [0, 0, 0]) }
        #expect(throws: ConnectomeError.self) { try Skeleton(parents: [-1, 5], x: [0, 0], y: [0, 0], z: [0, 0]) }
        #expect(throws: ConnectomeError.self) { try Skeleton(parents: [-1, 0], x: [0], y: [0, 0], z: [0, 0]) }
        #expect(throws: ConnectomeError.self) { try Skeleton(parents: [-1, 0], x: [0, .nan], y: [0, 0], z: [0, 0]) }
        #expect(throws: ConnectomeError.self) {
            try Skeleton(nodeIDs: [7, 7], parents: [-1, 0], x: [0, 0], y: [0, 0], z: [0, 0])
        }
        do {
            _ = try Skeleton(parents: [-1, 2, 3, 1], x: [0, 0, 0, 0], y: [0, 0, 0, 0], z: [0, 0, 0, 0])
            Issue.record("a cycle was accepted")
        } catch let error as ConnectomeError {
            #expect(error.kind == .data && error.message.contains("cycle"), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func edgesBecomeATreeFromTheGivenRoot() throws {
        // Unordered pairs in no particular direction.
        let edges = [(1, 0), (1, 2), (3, 2), (4, 1), (4, 5), (6, 4)]
        let skeleton = try Skeleton(x: [0, 0, 0, 0, 3, 3, 6], y: [0, 4, 8, 12, 8, 12, 8], z: [0, 0, 0, 0, 0, 0, 0],
                                    edges: edges, root: 3)
        #expect(skeleton.parents == [1, 2, 3, -1, 1, 4, 4])
        #expect(skeleton.droppedEdges == 0)
        #expect(skeleton.cableLengthNanometres == 24)
    }

    @Test func caveOrientationGivesTheRoot() throws {
        // (child, parent) pairs rooted at 2: without a root argument the orientation says where it is.
        let skeleton = try Skeleton(x: [0, 1, 2, 3], y: [0, 0, 0, 0], z: [0, 0, 0, 0], edges: [(0, 1), (1, 2), (3, 2)])
        #expect(skeleton.parents == [1, 2, -1, 2])
    }

    @Test func largestRadiusIsTheRootWhenEdgesAreUnoriented() throws {
        let skeleton = try Skeleton(x: [0, 1, 2, 3], y: [0, 0, 0, 0], z: [0, 0, 0, 0], edges: [(0, 1), (2, 1), (2, 3)],
                                    radius: [1, 1, 9, 1])
        #expect(skeleton.parents == [1, 2, -1, 2])
        // Without radii: the first vertex.
        let plain = try Skeleton(x: [0, 1, 2, 3], y: [0, 0, 0, 0], z: [0, 0, 0, 0], edges: [(0, 1), (2, 1), (2, 3)])
        #expect(plain.parents == [-1, 0, 1, 2])
    }

    @Test func cyclesRepeatsAndLoopsAreDroppedAndCounted() throws {
        // A square 0-1-2-3-0, a repeated edge, a self-loop, and a second component 4-5.
        let edges = [(0, 1), (1, 2), (2, 3), (3, 0), (1, 0), (2, 2), (4, 5)]
        let skeleton = try Skeleton(x: [0, 1, 1, 0, 5, 6], y: [0, 0, 1, 1, 5, 5], z: [0, 0, 0, 0, 0, 0], edges: edges, root: 0)
        #expect(skeleton.parents == [-1, 0, 1, 0, 5, -1])  // 4-5 reads (child, parent): rooted at 5
        #expect(skeleton.droppedEdges == 3)
        #expect(skeleton.roots.count == 2)
        #expect(SkeletonSummary(skeleton).text.contains("2 trees"))
        #expect(SkeletonSummary(skeleton).text.contains("3 edges"))
    }

    @Test func edgeOutOfRangeIsADataError() {
        do {
            _ = try Skeleton(x: [0, 1], y: [0, 0], z: [0, 0], edges: [(0, 2)])
            Issue.record("accepted an edge to a missing vertex")
        } catch let error as ConnectomeError {
            #expect(error.kind == .data && error.message.contains("edge 0"), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rerootReversesThePathOnly() throws {
        let skeleton = try Self.tree()
        let rerooted = try skeleton.rerooted(atNodeID: 5)
        // Path 5 → 4 → 1 → 0 reversed; 2, 3, 6 keep their parents.
        #expect(rerooted.parents == [1, 4, 1, 2, 5, -1, 4])
        #expect(rerooted.x == skeleton.x && rerooted.radius == skeleton.radius && rerooted.nodeIDs == skeleton.nodeIDs)
        #expect(rerooted.cableLengthNanometres == skeleton.cableLengthNanometres)
        #expect(rerooted.nodeTypes == [.end, .branch, .slab, .end, .branch, .root, .end])
        // Already the root: unchanged. Back to 0: the original.
        #expect(try skeleton.rerooted(atNodeID: 0) == skeleton)
        #expect(try rerooted.rerooted(atNodeID: 0) == skeleton)
        #expect(throws: ConnectomeError.self) { try skeleton.rerooted(atNodeID: 99) }
    }

    @Test func rerootLeavesOtherTreesAlone() throws {
        let forest = try Skeleton(parents: [-1, 0, 1, -1, 3], x: [0, 1, 2, 5, 6], y: [0, 0, 0, 0, 0], z: [0, 0, 0, 0, 0])
        #expect(try forest.rerooted(atNodeID: 2).parents == [1, 2, -1, -1, 3])
        #expect(try forest.rerooted(atNodeIDs: [2, 4]).parents == [1, 2, -1, 4, -1])
    }

    @Test func rerootByPositionTakesTheNearestNode() throws {
        let (rerooted, index, distance) = try Self.tree().rerooted(nearest: Point3(3, 13, 1))
        #expect(index == 5 && abs(distance - 2.0.squareRoot()) < 1e-9)
        #expect(rerooted.root == 5)
        let nearest = try Self.tree().nearestNodes(to: [Point3(0, 0, 0), Point3(6, 9, 0)])
        #expect(nearest.map(\.nodeID) == [0, 6] && nearest[0].distance == 0 && nearest[1].distance == 1)
        #expect(throws: ConnectomeError.self) { try Self.tree().nearestNodes(to: [Point3(.nan, 0, 0)]) }
    }

    @Test func bigChainsNeedNoRecursion() throws {
        // 100,000 nodes in one line: walks, cycle checks and rerooting are iterative.
        let n = 100_000
        let parents = (0..<n).map { $0 - 1 }
        let coordinates = (0..<n).map { Float($0) }
        let chain = try Skeleton(parents: parents, x: coordinates, y: [Float](repeating: 0, count: n),
                                 z: [Float](repeating: 0, count: n))
        let rerooted = chain.rerooted(atIndex: n - 1)
        #expect(rerooted.parents[0] == 1 && rerooted.parents[n - 1] == -1 && rerooted.parents[n / 2] == n / 2 + 1)
        #expect(rerooted.cableLengthNanometres == Double(n - 1))
        let edges = (1..<n).map { ($0, $0 - 1) }
        let built = try Skeleton(x: coordinates, y: [Float](repeating: 0, count: n), z: [Float](repeating: 0, count: n),
                                 edges: edges)
        #expect(built.parents == parents)
    }

    @Test func nodeTableUsesNodeIDs() throws {
        let skeleton = try Skeleton(nodeIDs: [10, 20, 30], parents: [-1, 0, 1], x: [1, 2, 3], y: [4, 5, 6], z: [7, 8, 9],
                                    radius: [1, 2, 3])
        let table = skeleton.nodeTable
        #expect(SkeletonNodeTable.columnNames == ["node_id", "parent_id", "x", "y", "z", "radius"])
        #expect(table.nodeID == [10, 20, 30] && table.parentID == [-1, 10, 20])
        #expect(table.x == [1, 2, 3] && table.z == [7, 8, 9] && table.radius == [1, 2, 3])
        #expect(try skeleton.rerooted(atNodeID: 30).nodeTable.parentID == [20, 30, -1])
    }

    @Test func summaryReadsAsAParagraph() throws {
        var skeleton = try Self.tree()
        skeleton.segmentID = SegmentID(576_460_752_303_423_488)
        let text = SkeletonSummary(skeleton).text
        #expect(text == "Skeleton of 576460752303423488: 7 nodes, 0.02 µm of cable, 2 branch points, 3 tips; root node 0 at (0, 0, 0) nm.",
                "\(text)")
        #expect(NumberFormat.grouped(1_234_567) == "1,234,567")
        #expect(SkeletonSummary.number(1234.4) == "1,234" && SkeletonSummary.number(56.78) == "56.8")
    }
}
