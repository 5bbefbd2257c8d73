import ConnectomeCore
import Foundation
import ImageCodecs
import JSONModel
import Testing
import TestSupport

/// The skeleton service's flatdict answers (edges read as [child, parent]) and the client's
/// version choice, routes, cache and fallback to the precomputed source.
@Suite("CAVE skeleton service")
struct SkeletonServiceTests {
    static let root = SegmentID(576_460_752_664_524_086)

    /// A Y-shaped skeleton whose root (vertex 2) is not vertex 0, so that reading the edges as
    /// (parent, child) gives other parents.
    static func flatdict(rootID: UInt64 = root.rawValue, edges: String = "[[0,1],[1,2],[3,1],[4,3]]") -> Data {
        let json = """
            {"vertices": [[0,0,0],[10,0,0],[20,0,0],[10,10,0],[10,20,0.5]], "edges": \(edges), "root": 2,
             "radius": [1,2,500,3,4], "compartment": [3,3,1,2,2], "lvl2_ids": [1,2,3,4,5], "mesh_to_skel_map": [],
             "meta": {"root_id": \(rootID), "skeleton_version": 4}}
            """
        return Gzip.compress(Data(json.utf8))
    }

    @Test("flatdict: gzip JSON, edges [child, parent], root, radius and compartment kept")
    func decodes() throws {
        let skeleton = try FlatDictSkeleton.decode(Self.flatdict(), id: Self.root, source: "test")
        #expect(skeleton.parents == [1, 2, -1, 1, 3])
        #expect(skeleton.radius == [1, 2, 500, 3, 4])
        #expect(skeleton.z[4] == 0.5 && skeleton.segmentID == Self.root)
        #expect(skeleton.attributes == [Skeleton.VertexAttribute(id: "compartment", components: 1, values: [3, 3, 1, 2, 2])])
        // Read backwards (as crantpy does) vertex 0 would be the root's side: not what the service means.
        #expect(skeleton.parents[0] != -1)
    }

    @Test("flatdict: another root's skeleton, indices out of range, bad vertices and counts are DataErrors")
    func rejects() throws {
        let cases: [(Data, String)] = [
            (Self.flatdict(rootID: 7), "meta.root_id is 7"),
            (Self.flatdict(edges: "[[0,9]]"), "edges[0] is [0,9]"),
            (Gzip.compress(Data(#"{"vertices": [[0,0]], "edges": []}"#.utf8)), "vertices[0]"),
            (Gzip.compress(Data(#"{"vertices": [[0,0,0]], "radius": [1,2]}"#.utf8)), "radius has 2 values for 1 vertices"),
            (Data("not json".utf8), "is not JSON"),
        ]
        for (data, words) in cases {
            let error = #expect(throws: ConnectomeError.self) { try FlatDictSkeleton.decode(data, id: Self.root, source: "s") }
            #expect(error?.message.contains(words) == true, "\(words) in \(error?.message ?? "")")
        }
        // A vertex with two parents: the tree is made from the undirected edges, rooted at `root`.
        let odd = try FlatDictSkeleton.decode(Self.flatdict(edges: "[[0,1],[1,2],[3,1],[4,3],[1,4]]"), id: Self.root, source: "s")
        #expect(odd.parents[2] == -1 && odd.droppedEdges == 1)
    }

    static func datastack(skeletonSource: String? = nil) -> CaveDatastack {
        CaveDatastack(server: "https://cave.example.org", name: "ds", segmentationSource: "graphene://https://data.cave.example.org/segmentation/table/t",
                      skeletonSource: skeletonSource, localServer: "https://data.cave.example.org")
    }

    static func client(_ transport: ScriptedTransport, datastack: CaveDatastack = datastack(),
                       open: @escaping @Sendable (String) async throws -> SkeletonSource = { _ in throw ConnectomeError.argument("no source") })
        -> SkeletonServiceClient {
        let credentials = CaveCredentials(server: "https://cave.example.org", secrets: CaveSecrets(directory: "/nonexistent"),
                                          memory: { $0 == "cave.example.org" ? "tok" : nil })
        return SkeletonServiceClient(client: CaveClient(transport: transport, credentials: credentials), datastack: datastack,
                                     cache: SkeletonCache(), openSource: open)
    }

    @Test("version 4 from the offered versions, the async route, the token; a second call is served from the cache")
    func service() async throws {
        let transport = ScriptedTransport { request in
            if request.url.hasSuffix("/skeletoncache/api/versions") { return ScriptedTransport.json("[-1,0,1,2,3,4]", url: request.url) }
            return HTTPResponse(status: 200, headers: ["content-type": "application/octet-stream"], body: Self.flatdict(), url: request.url)
        }
        let client = Self.client(transport)
        let skeleton = try await client.skeleton(Self.root)
        _ = try await client.skeleton(Self.root)
        #expect(skeleton.nodeCount == 5)
        #expect(transport.requests.map(\.url) == [
            "https://data.cave.example.org/skeletoncache/api/versions",
            "https://data.cave.example.org/skeletoncache/api/v1/ds/async/get_skeleton/4/576460752664524086/flatdict?verbose_level=0",
        ])
        #expect(transport.requests.allSatisfy { $0.headers["Authorization"] == "Bearer tok" })
        #expect(SkeletonServiceClient.choose([-1, 0, 1, 2, 3]) == 3 && SkeletonServiceClient.choose([0, -1]) == nil)
    }

    @Test("an older service without the async route: the synchronous one; no service: the precomputed source")
    func fallbacks() async throws {
        let old = ScriptedTransport { request in
            if request.url.hasSuffix("/versions") { return ScriptedTransport.json("[0,1,2,3,4]", url: request.url) }
            if request.url.contains("/async/") { return ScriptedTransport.json(#"{"message":"no route"}"#, status: 404, url: request.url) }
            return HTTPResponse(status: 200, body: Self.flatdict(), url: request.url)
        }
        _ = try await Self.client(old).skeleton(Self.root)
        #expect(old.requests.last?.url == "https://data.cave.example.org/skeletoncache/api/v1/ds/precomputed/skeleton/4/576460752664524086/flatdict")

        let store = MemoryStore()
        let info = SkeletonInfo(transform: SkeletonInfo.identity, vertexAttributes: [SkeletonInfo.radius])
        let stored = try FlatDictSkeleton.decode(Self.flatdict(), id: Self.root, source: "s")
        try store.put("info", info.json.serialized())
        try store.put(String(Self.root.rawValue), PrecomputedSkeleton.encode(stored, info: info))
        let none = ScriptedTransport { ScriptedTransport.json(#"{"message":"not found"}"#, status: 404, url: $0.url) }
        let client = Self.client(none, datastack: Self.datastack(skeletonSource: "precomputed://https://data.cave.example.org/skeletons"),
                                 open: { url in
                                     #expect(url == "precomputed://https://data.cave.example.org/skeletons")
                                     return try await SkeletonSource.open(store: store, cache: nil)
                                 })
        let skeleton = try await client.skeleton(Self.root)
        #expect(skeleton.x == stored.x && skeleton.nodeCount == 5)
        #expect(none.requests.count == 1, "only the versions were asked")

        let error = await #expect(throws: ConnectomeError.self) { try await Self.client(none).skeleton(Self.root) }
        #expect(error?.message.contains("has no skeleton service") == true && error?.message.contains("names no skeleton_source") == true)
    }

    @Test("the info service's skeleton_source: read over the network only")
    func skeletonSourceFromInfo() throws {
        func info(_ source: String) -> Data {
            Data(#"{"segmentation_source": "graphene://https://d.example.org/segmentation/table/t", "local_server": "https://d.example.org", "skeleton_source": "\#(source)"}"#.utf8)
        }
        let read = try CaveDatastack.decode(info("precomputed://gs://bucket/skeletons"), server: "https://example.org", name: "ds")
        #expect(read.skeletonSource == "precomputed://gs://bucket/skeletons")
        #expect(throws: ConnectomeError.self) { try CaveDatastack.decode(info("precomputed://file:///etc"), server: "https://example.org", name: "ds") }
    }
}
