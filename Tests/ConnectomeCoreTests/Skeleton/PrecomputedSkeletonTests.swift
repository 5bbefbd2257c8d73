import Foundation
import JSONModel
import Testing
@testable import ConnectomeCore

/// The precomputed skeleton blob and info: round trips, and damaged input as `DataError`s.
@Suite struct PrecomputedSkeletonTests {
    static let info = SkeletonInfo(vertexAttributes: [
        SkeletonInfo.radius, .init(id: "compartment", dataType: .uint8), .init(id: "normal", dataType: .int16, components: 3),
    ])

    static func skeleton() throws -> Skeleton {
        try Skeleton(segmentID: SegmentID(42), parents: [-1, 0, 1, 1], x: [10, 20, 30, 40], y: [1, 2, 3, 4], z: [0, 42, 84, 126],
                     radius: [80, 20, 10, 10],
                     attributes: [.init(id: "compartment", components: 1, values: [1, 3, 2, 2]),
                                  .init(id: "normal", components: 3, values: [0, 0, 1, -1, 0, 0, 0, 1, 0, 0, 0, -300])])
    }

    /// A blob by hand: header, positions, edges, then attributes.
    static func blob(vertices: [(Float, Float, Float)], edges: [(UInt32, UInt32)], radius: [Float]? = nil,
                     header: (UInt32, UInt32)? = nil) -> Data {
        var data = Data()
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        put(header?.0 ?? UInt32(vertices.count))
        put(header?.1 ?? UInt32(edges.count))
        for v in vertices { put(v.0.bitPattern); put(v.1.bitPattern); put(v.2.bitPattern) }
        for e in edges { put(e.0); put(e.1) }
        for r in radius ?? [] { put(r.bitPattern) }
        return data
    }

    @Test func roundTripKeepsEverything() throws {
        let skeleton = try Self.skeleton()
        let bytes = try PrecomputedSkeleton.encode(skeleton, info: Self.info)
        #expect(bytes.count == 8 + 4 * 12 + 3 * 8 + 4 * (4 + 1 + 6))
        let back = try PrecomputedSkeleton.decode(bytes: bytes, info: Self.info, segmentID: SegmentID(42))
        #expect(back == skeleton)
        #expect(back.attributes.map(\.id) == ["compartment", "normal"])
    }

    @Test func transformMapsToNanometres() throws {
        // Stored in voxels of 8 × 8 × 42 nm with an offset: positions and radii come back in nm.
        let info = SkeletonInfo(transform: [8, 0, 0, 100, 0, 8, 0, 200, 0, 0, 42, 300], vertexAttributes: [SkeletonInfo.radius])
        let bytes = Self.blob(vertices: [(1, 2, 3), (2, 2, 3)], edges: [(1, 0)], radius: [2, 1])
        let skeleton = try PrecomputedSkeleton.decode(bytes: bytes, info: info)
        #expect(skeleton.x == [108, 116] && skeleton.y == [216, 216] && skeleton.z == [426, 426])
        #expect(abs(Double(skeleton.radius![0]) - 2 * (8 + 8 + 42) / 3) < 1e-4)
        #expect(skeleton.parents == [-1, 0])
        // And back: encoding inverts the transform.
        #expect(try PrecomputedSkeleton.encode(skeleton, info: info) == bytes)
    }

    @Test func damagedBlobsAreDataErrors() throws {
        let info = SkeletonInfo(vertexAttributes: [SkeletonInfo.radius])
        let good = Self.blob(vertices: [(0, 0, 0), (1, 0, 0)], edges: [(0, 1)], radius: [1, 1])
        let cases: [(String, Data, String)] = [
            ("empty", Data(), "shorter than its 8-byte header"),
            ("truncated", good.prefix(good.count - 1), "need 8 + 2 × 16 + 1 × 8 = 48 bytes"),
            ("trailing", good + Data([0]), "num_vertices 2"),
            ("huge counts", Self.blob(vertices: [], edges: [], header: (UInt32.max, UInt32.max)), "num_vertices 4294967295"),
            ("edge out of range", Self.blob(vertices: [(0, 0, 0), (1, 0, 0)], edges: [(0, 2)], radius: [1, 1]), "edge 0 joins vertices 0 and 2"),
            ("NaN position", Self.blob(vertices: [(0, .nan, 0), (1, 0, 0)], edges: [(0, 1)], radius: [1, 1]), "position"),
            ("NaN radius", Self.blob(vertices: [(0, 0, 0), (1, 0, 0)], edges: [(0, 1)], radius: [1, .infinity]), "radius"),
        ]
        for (name, bytes, fragment) in cases {
            do {
                _ = try PrecomputedSkeleton.decode(bytes: bytes, info: info, source: "skeletons/7")
                Issue.record("\(name): decoded")
            } catch let error as ConnectomeError {
                #expect(error.kind == .data, "\(name): \(error)")
                #expect(error.message.contains(fragment) && error.message.contains("skeletons/7"), "\(name): \(error.message)")
            }
        }
    }

    @Test func randomDamageNeverTraps() throws {
        // What a fuzzer does, briefly: flips and cuts must give a skeleton or a ConnectomeError.
        let good = try PrecomputedSkeleton.encode(try Self.skeleton(), info: Self.info)
        var state: UInt64 = 1
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for _ in 0..<2_000 {
            var bytes = [UInt8](good)
            switch next() % 3 {
            case 0: bytes[next() % bytes.count] = UInt8(truncatingIfNeeded: next())
            case 1: bytes = Array(bytes.prefix(next() % bytes.count))
            default: for _ in 0..<4 { bytes[next() % bytes.count] ^= UInt8(truncatingIfNeeded: next()) }
            }
            do {
                let skeleton = try PrecomputedSkeleton.decode(bytes: Data(bytes), info: Self.info)
                #expect(skeleton.nodeCount == 4)
            } catch is ConnectomeError {
            }
        }
    }

    @Test func infoParsesAndWritesNeuroglancersFormat() throws {
        let text = """
        {"@type": "neuroglancer_skeletons", "transform": [8, 0, 0, 0, 0, 8, 0, 0, 0, 0, 42, 0],
         "vertex_attributes": [{"id": "radius", "data_type": "float32", "num_components": 1},
                               {"id": "compartment", "data_type": "uint8", "num_components": 1}],
         "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": 0, "hash": "murmurhash3_x86_128",
                      "minishard_bits": 2, "shard_bits": 1, "minishard_index_encoding": "gzip", "data_encoding": "gzip"},
         "segment_properties": "props"}
        """
        let info = try SkeletonInfo.parse(Data(text.utf8))
        #expect(info.transform == [8, 0, 0, 0, 0, 8, 0, 0, 0, 0, 42, 0])
        #expect(info.vertexAttributes == [SkeletonInfo.radius, .init(id: "compartment", dataType: .uint8)])
        #expect(info.sharding?.minishardBits == 2 && info.sharding?.dataEncoding == .gzip)
        #expect(info.segmentProperties == "props")
        #expect(try SkeletonInfo(json: info.json) == info)
        // No transform, no attributes: identity and none.
        let bare = try SkeletonInfo.parse(Data(#"{"@type": "neuroglancer_skeletons"}"#.utf8))
        #expect(bare.transform == SkeletonInfo.identity && bare.vertexAttributes.isEmpty)
    }

    @Test(arguments: [
        (#"{"@type": "neuroglancer_multiscale_volume"}"#, "not neuroglancer_skeletons"),
        (#"[1]"#, "expected a JSON object"),
        (#"{"@type": "neuroglancer_skeletons", "transform": [1, 0, 0]}"#, "transform"),
        (#"{"@type": "neuroglancer_skeletons", "vertex_attributes": [{"id": "r", "data_type": "float64", "num_components": 1}]}"#, "data_type"),
        (#"{"@type": "neuroglancer_skeletons", "vertex_attributes": [{"id": "r", "data_type": "uint8", "num_components": 0}]}"#, "num_components"),
        (#"{"@type": "neuroglancer_skeletons", "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "hash": "md5", "preshift_bits": 0, "minishard_bits": 0, "shard_bits": 0}}"#, "hash"),
        ("{", "not valid JSON"),
    ])
    func badInfosNameTheField(text: String, fragment: String) {
        do {
            _ = try SkeletonInfo.parse(Data(text.utf8), source: "x/skeletons/info")
            Issue.record("accepted \(text)")
        } catch let error as ConnectomeError {
            #expect(error.kind == .data && error.message.contains(fragment) && error.message.contains("x/skeletons/info"), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
