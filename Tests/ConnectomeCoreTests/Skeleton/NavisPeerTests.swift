import Foundation
import JSONModel
import Testing
@testable import ConnectomeCore

/// Rerooting, node types and cable length against navis, on skeletons `make_reroot.py` writes at
/// `make test` time (`CK_PEER_SKELETONS`); skipped, visibly, without them.
@Suite struct NavisPeerTests {
    static let directory = ProcessInfo.processInfo.environment["CK_PEER_SKELETONS"]
    static var fixture: String? { directory.map { $0 + "/reroot.json" } }

    static func cases() throws -> [JSONValue] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try #require(fixture)))
        return try #require(try JSONValue.parse(data)["skeletons"]?.arrayValue)
    }

    static func ints(_ value: JSONValue?) throws -> [Int] {
        let values = value?.arrayValue?.compactMap { $0.intValue }
        return try #require(values)
    }
    static func floats(_ value: JSONValue?) throws -> [Float] {
        let values = value?.arrayValue?.compactMap { $0.doubleValue }
        return try #require(values).map { Float($0) }
    }

    /// The navis node table as a Skeleton: parents are node IDs there, indices here.
    static func skeleton(_ record: JSONValue) throws -> Skeleton {
        let ids = try ints(record["node_id"])
        var index: [Int: Int] = [:]
        for (i, id) in ids.enumerated() { index[id] = i }
        let parents = try ints(record["parent_id"]).map { $0 < 0 ? -1 : index[$0] ?? -2 }
        return try Skeleton(nodeIDs: ids, parents: parents, x: try floats(record["x"]), y: try floats(record["y"]),
                            z: try floats(record["z"]), radius: try floats(record["radius"]))
    }

    static func check(_ skeleton: Skeleton, _ expected: JSONValue, _ label: String) throws {
        #expect(skeleton.nodeTable.parentID == (try ints(expected["parent_id"])), "\(label): parent_id")
        #expect(skeleton.nodeTypes.map(\.rawValue) == expected["types"]?.arrayValue?.compactMap(\.stringValue), "\(label): types")
        #expect(skeleton.branchPoints.count == expected["n_branches"]?.intValue, "\(label): n_branches")
        #expect(skeleton.tips.count == expected["n_leafs"]?.intValue, "\(label): n_leafs")
        let cable = try #require(expected["cable_length"]?.doubleValue)
        #expect(abs(skeleton.cableLengthNanometres - cable) <= 1e-5 * cable, "\(label): cable \(skeleton.cableLengthNanometres) vs \(cable)")
    }

    @Test(.enabled(if: fixture.map { FileManager.default.fileExists(atPath: $0) } ?? false,
                   "needs CK_PEER_SKELETONS from `make peer-fixtures` (Tests/EndToEnd/peer_skeletons/make_reroot.py)"))
    func rerootsAsNavisDoes() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 4)
        for record in cases {
            let name = record["name"]?.stringValue ?? "?"
            let skeleton = try Self.skeleton(record)
            try Self.check(skeleton, record, name)
            for reroot in record["reroots"]?.arrayValue ?? [] {
                let roots = try Self.ints(reroot["new_roots"])
                try Self.check(try skeleton.rerooted(atNodeIDs: roots), reroot, "\(name) rerooted at \(roots)")
            }
        }
    }

    @Test(.enabled(if: fixture.map { FileManager.default.fileExists(atPath: $0) } ?? false,
                   "needs CK_PEER_SKELETONS from `make peer-fixtures`"))
    func nearestNodesAgreeWithABruteForceScanOnNavisSkeletons() throws {
        let skeleton = try Self.skeleton(try #require(try Self.cases().last))
        let queries = (0..<200).map { i in
            Point3(Double(skeleton.x[i * 7 % skeleton.nodeCount]) + 123, Double(skeleton.y[i * 13 % skeleton.nodeCount]) - 77,
                   Double(skeleton.z[i]))
        }
        let hits = try skeleton.nearestNodes(to: queries)
        for (query, hit) in zip(queries, hits) {
            let best = (0..<skeleton.nodeCount).min { skeleton.position($0).distance(to: query) < skeleton.position($1).distance(to: query) }!
            #expect(hit.index == best || abs(skeleton.position(best).distance(to: query) - hit.distance) < 1e-9)
        }
    }
}

/// Skeleton sources CloudVolume wrote (`make_precomputed.py`, unsharded and sharded with gzip), read back exactly.
@Suite struct CloudVolumeSkeletonTests {
    static var directory: String? { NavisPeerTests.directory }
    static var present: Bool { directory.map { FileManager.default.fileExists(atPath: $0 + "/expected.json") } ?? false }

    @Test(.enabled(if: present, "needs CK_PEER_SKELETONS from `make peer-fixtures` (make_precomputed.py)"),
          arguments: ["unsharded", "sharded"])
    func readsWhatCloudVolumeWrote(layout: String) async throws {
        let root = try #require(Self.directory)
        let expected = try #require(try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: root + "/expected.json"))).objectValue)
        let source = try await SkeletonSource.open(url: "precomputed://file://\(root)/\(layout)", transport: nil, cache: nil)
        #expect((source.info.sharding != nil) == (layout == "sharded"))
        #expect(expected.count == 4)
        for (key, record) in expected {
            let id = try SegmentID(parsing: key)
            let skeleton = try await source.skeleton(id)
            let vertices = try #require(record["vertices"]?.arrayValue)
            #expect(skeleton.nodeCount == vertices.count, "\(key)")
            for (index, vertex) in vertices.enumerated() {
                let xyz = vertex.arrayValue?.compactMap(\.doubleValue) ?? []
                #expect([Double(skeleton.x[index]), Double(skeleton.y[index]), Double(skeleton.z[index])] == xyz.map { Double(Float($0)) },
                        "\(key) vertex \(index)")
            }
            #expect(skeleton.radius == record["radius"]?.arrayValue?.compactMap(\.doubleValue).map { Float($0) })
            #expect(skeleton.attributes.first?.id == "vertex_types")
            #expect(skeleton.attributes.first?.values == record["vertex_types"]?.arrayValue?.compactMap(\.doubleValue))
            // CloudVolume stores edges (i, earlier vertex): the (child, parent) reading roots each tree at vertex 0.
            let edges = record["edges"]?.arrayValue?.compactMap { $0.arrayValue?.compactMap(\.intValue) } ?? []
            var parents = [Int](repeating: -1, count: vertices.count)
            for edge in edges { parents[edge[0]] = edge[1] }
            #expect(skeleton.parents == parents, "\(key)")
        }
    }
}
