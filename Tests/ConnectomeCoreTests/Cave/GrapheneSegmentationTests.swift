import ConnectomeCore
import Foundation
import Testing
import TestSupport

/// graphene:// sources: the URL forms, the chunked graph's info (strictly checked), the watershed read
/// without the token and the roots asked with it, and the leaves' bounds.
@Suite("graphene segmentation")
struct GrapheneSegmentationTests {
    static let url = "graphene://middleauth+https://data.example.org/segmentation/table/t1"

    // MARK: - Source URLs

    @Test("graphene URLs: middleauth+, a path prefix, the legacy 1.0 form and a fragment; the info and API beside the table")
    func sourceForms() throws {
        let plain = try GrapheneSource(parsing: "graphene://https://data.example.org/segmentation/table/t1/")
        #expect(plain.server == "https://data.example.org" && plain.table == "t1")
        #expect(plain.infoURL == "https://data.example.org/segmentation/table/t1/info")
        let auth = try GrapheneSource(parsing: Self.url + "#type=segmentation")
        #expect(auth.server == "https://data.example.org" && auth.table == "t1")
        let prefixed = try GrapheneSource(parsing: "graphene://http://127.0.0.1:8080/pcg/segmentation/1.0/fly_v31")
        #expect(prefixed.server == "http://127.0.0.1:8080/pcg" && prefixed.table == "fly_v31")
        #expect(GrapheneSource.isGraphene("GRAPHENE://x") && !GrapheneSource.isGraphene("precomputed://gs://b/seg"))
    }

    @Test("a graphene URL without a server, a table path or a plain table name is an ArgumentError saying the form")
    func badSources() {
        let cases = [
            "precomputed://gs://b/seg": "not a graphene:// source",
            "graphene://ftp://host/segmentation/table/t": "http(s) chunked-graph server",
            "graphene://https://user@host/segmentation/table/t": "plain host",
            "graphene://https://host/segmentation/t": "no /segmentation/table/NAME path",
            "graphene://https://host/segmentation/table/a/b": "is not a chunked-graph table",
            "graphene://https://host/segmentation/table/": "no /segmentation/table/NAME path",
            "graphene://https://host/segmentation/table/t?x=1": "http(s) chunked-graph server",
        ]
        for (url, words) in cases {
            let error = #expect(throws: ConnectomeError.self) { try GrapheneSource(parsing: url) }
            #expect(error?.kind == .argument && error!.message.contains(words), "\(url): \(error?.message ?? "")")
        }
    }

    // MARK: - Info

    static func info(dataDir: String = "\"gs://bucket/ws\"", app: String = #"{"supported_api_versions": [0, 1]}"#,
                     type: String = "segmentation", dataType: String = "uint64", encoding: String = "raw") -> Data {
        Data("""
            {"data_dir": \(dataDir), "app": \(app), "type": "\(type)", "data_type": "\(dataType)", "num_channels": 1,
             "graph": {"chunk_size": [64, 64, 64], "n_layers": 7, "n_bits_for_layer_id": 8, "spatial_bit_masks": {"1": 10}},
             "mesh": "graphene_meshes",
             "scales": [{"key": "8_8_40", "size": [8, 8, 2], "resolution": [8, 8, 40], "voxel_offset": [100, 200, 0],
                         "chunk_sizes": [[4, 4, 1]], "encoding": "\(encoding)"}]}
            """.utf8)
    }

    @Test("the info: data_dir, the watershed's scales and the graph's node-ID layout")
    func infoDecodes() throws {
        let info = try GrapheneInfo.decode(Self.info(), source: "info")
        #expect(info.dataDirectory == "gs://bucket/ws")
        #expect(info.watershed.scales.map(\.key) == ["8_8_40"] && info.watershed.scales[0].voxelOffset == [100, 200, 0])
        #expect(info.layout == NodeIDLayout(nLayers: 7, layerBits: 8, spatialBits: [1: 10]))
        #expect(try GrapheneInfo.decode(Self.info(dataDir: "\"precomputed://https://h/ws\"", app: "{}"), source: "i").dataDirectory
            == "precomputed://https://h/ws")
    }

    @Test("an info whose data_dir, API versions or volume type the kernel cannot use is an error naming the field and value")
    func infoRefusals() {
        let cases: [(Data, ConnectomeError.Kind, String)] = [
            (Self.info(dataDir: "\"file:///etc\""), .data, "data_dir is \"file:///etc\", not a gs://, s3:// or http(s):// URL"),
            (Self.info(dataDir: "\"gs://b/with space\""), .data, "data_dir is"),
            (Self.info(dataDir: "7"), .data, "data_dir is 7, not a string"),
            (Data(#"{"scales": []}"#.utf8), .data, "has no data_dir"),
            (Self.info(app: #"{"supported_api_versions": [0]}"#), .unsupported, "supports API versions [0]"),
            (Self.info(app: #"{"supported_api_versions": "1"}"#), .data, "app.supported_api_versions is \"1\""),
            (Self.info(type: "image", dataType: "uint8"), .data, "not a one-channel uint64 segmentation"),
            (Data("[1]".utf8), .data, "is not a JSON object"),
            (Data("{".utf8), .data, "is not JSON"),
        ]
        for (body, kind, words) in cases {
            let error = #expect(throws: ConnectomeError.self) { try GrapheneInfo.decode(body, source: "the info") }
            #expect(error?.kind == kind && error!.message.contains(words), "\(words): \(error?.message ?? "")")
        }
    }

    // MARK: - Reading

    /// A server: the info, a 4 × 4 raw chunk of supervoxels 11…14 (by column) at z 0, and roots = supervoxel + 1000.
    static func transport() -> ScriptedTransport {
        ScriptedTransport { request in
            if request.url == "https://data.example.org/segmentation/table/t1/info" {
                return HTTPResponse(status: 200, headers: ["content-type": "application/json"], body: info(), url: request.url)
            }
            if request.url.hasPrefix("https://storage.googleapis.com/bucket/ws/8_8_40/") {
                guard request.url.hasSuffix("/100-104_200-204_0-1") else { return HTTPResponse(status: 404, body: Data(), url: request.url) }
                var body = Data()
                for _ in 0..<4 { for column in 0..<4 { withUnsafeBytes(of: UInt64(column == 3 ? 0 : 11 + column).littleEndian) { body.append(contentsOf: $0) } } }
                return HTTPResponse(status: 200, headers: ["content-type": "application/octet-stream"], body: body, url: request.url)
            }
            if request.url.hasPrefix("https://data.example.org/segmentation/api/v1/table/t1/roots_binary?timestamp=1700000000") {
                var out = Data()
                for index in 0..<(request.body!.count / 8) {
                    let id = request.body!.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
                    withUnsafeBytes(of: (id == 13 ? 0 : id + 1000).littleEndian) { out.append(contentsOf: $0) }
                }
                return HTTPResponse(status: 200, headers: ["content-type": "application/octet-stream"], body: out, url: request.url)
            }
            return ScriptedTransport.json("{\"message\": \"no route\"}", status: 404, url: request.url)
        }
    }

    static func open(_ transport: ScriptedTransport) async throws -> GrapheneSegmentation {
        let credentials = CaveCredentials(server: "https://example.org", secrets: CaveSecrets(directory: "/nonexistent"),
                                          memory: { $0 == "example.org" ? "tok" : nil })
        return try await GrapheneSegmentation.open(try GrapheneSource(parsing: url), client: CaveClient(transport: transport, credentials: credentials),
                                                   transport: transport, cache: nil)
    }

    @Test("segment at: supervoxels from the watershed without the token, their roots in one roots call with it")
    func rootsAtPoints() async throws {
        let transport = Self.transport()
        let graphene = try await Self.open(transport)
        let time = Date(timeIntervalSince1970: 1_700_000_000)
        let found = try await graphene.roots(at: [(100, 200, 0), (102, 201, 0), (103, 203, 0), (100, 203, 0), (5, 5, 0)], time: time)
        #expect(found.supervoxels.map(\.rawValue) == [11, 13, 0, 11, 0])
        #expect(found.roots.map(\.rawValue) == [1011, 0, 0, 1011, 0])
        let roots = transport.requests.filter { $0.url.contains("roots_binary") }
        #expect(roots.count == 1 && roots[0].body!.count == 16)  // 11 and 13 once each; zeros not sent
        for request in transport.requests {
            let toStorage = request.url.hasPrefix("https://storage.googleapis.com/")
            #expect((request.headers["Authorization"] != nil) == !toStorage, "\(request.url)")
        }
    }

    @Test("a section of supervoxels becomes a section of roots: one roots call for its distinct supervoxels, unknown ones 0")
    func rootSection() async throws {
        let transport = Self.transport()
        let graphene = try await Self.open(transport)
        let read = try await graphene.watershed.readSection(mip: 0, x: 100..<104, y: 200..<204, z: 0)
        let roots = try await graphene.rootSection(read.section, time: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(roots.supervoxels == 3 && roots.roots == 2 && roots.unresolved == 1)
        #expect(roots.section.dataType == .uint64 && roots.section.x == 100..<104 && roots.section.y == 200..<204)
        for row in 0..<4 {
            #expect((0..<4).map { roots.section.value(column: $0, row: row) } == [1011, 1012, 0, 0])
        }
        #expect(transport.requests.filter { $0.url.contains("roots_binary") }.count == 1)
    }

    @Test("a uint32 watershed section is relabelled to uint64 roots")
    func relabelUInt32() async throws {
        var data: [UInt8] = []
        for value: UInt32 in [7, 7, 0, 9] { withUnsafeBytes(of: value.littleEndian) { data += $0 } }
        let section = VoxelSection(x: 0..<2, y: 0..<2, z: 0, dataType: .uint32, channels: 1, data: data)
        let transport = ScriptedTransport { request in
            var out = Data()
            for _ in 0..<(request.body!.count / 8) { withUnsafeBytes(of: UInt64.max.littleEndian) { out.append(contentsOf: $0) } }
            return HTTPResponse(status: 200, headers: ["content-type": "application/octet-stream"], body: out, url: request.url)
        }
        let credentials = CaveCredentials(server: "https://example.org", secrets: CaveSecrets(directory: "/nonexistent"), memory: { _ in "tok" })
        let graph = ChunkedGraphClient(client: CaveClient(transport: transport, credentials: credentials),
                                       localServer: "https://example.org", table: "t")
        let store = try openStore(url: "gs://b/ws", transport: transport)
        let graphene = GrapheneSegmentation(source: try GrapheneSource(parsing: "graphene://https://example.org/segmentation/table/t"),
                                            info: try GrapheneInfo.decode(Self.info(dataType: "uint32"), source: "i"),
                                            watershed: PrecomputedVolume(store: store, info: try GrapheneInfo.decode(Self.info(), source: "i").watershed, cache: nil),
                                            graph: graph)
        let roots = try await graphene.rootSection(section, time: Date(timeIntervalSince1970: 1_700_000_000))
        #expect([roots.section.value(column: 0, row: 0), roots.section.value(column: 0, row: 1), roots.section.value(column: 1, row: 1)]
            == [UInt64.max, 0, UInt64.max])
        #expect(roots.supervoxels == 2 && roots.roots == 1)
    }

    // MARK: - Leaf bounds

    @Test("leaf bounds: CAVEclient's x0-x1_y0-y1_z0-z1 both ways; start below end, 0 to 2^40, three axes")
    func leafBounds() throws {
        let bounds = try LeafBounds([(0, 512), (10, 20), (3, 4)])
        #expect(bounds.queryValue == "0-512_10-20_3-4")
        #expect(try LeafBounds(parsing: "0-512_10-20_3-4") == bounds)
        let bad: [([(Int, Int)], String)] = [([(0, 1), (0, 1)], "2 axes"), ([(5, 5), (0, 1), (0, 1)], "x (5, 5)"),
                                             ([(0, 1), (-4, 1), (0, 1)], "y (-4, 1)"), ([(0, 1), (0, 1), (0, (1 << 40) + 1)], "z (0, 1099511627777)")]
        for (ranges, words) in bad {
            let error = #expect(throws: ConnectomeError.self) { try LeafBounds(ranges) }
            #expect(error?.kind == .argument && error!.message.contains(words), "\(error?.message ?? "")")
        }
        for text in ["0-512_10-20", "-4-1_0-1_0-1", "0-1_0-1_0-1_0-1", "a-b_0-1_0-1", "0-1_0-1_0-", "0-99999999999999999_0-1_0-1"] {
            let error = #expect(throws: ConnectomeError.self) { try LeafBounds(parsing: text) }
            #expect(error?.kind == .argument, "\(text)")
        }
    }

    @Test("leaves with bounds send them as CAVEclient does")
    func leavesWithBounds() async throws {
        let transport = ScriptedTransport { ScriptedTransport.json("{\"leaf_ids\":[5, 6]}", url: $0.url) }
        let credentials = CaveCredentials(server: "https://example.org", secrets: CaveSecrets(directory: "/nonexistent"), memory: { _ in "tok" })
        let graph = ChunkedGraphClient(client: CaveClient(transport: transport, credentials: credentials), localServer: "https://example.org", table: "t")
        let leaves = try await graph.leaves(SegmentID(9), bounds: try LeafBounds([(0, 64), (64, 128), (0, 8)]))
        #expect(leaves.map(\.rawValue) == [5, 6])
        #expect(transport.requests[0].url == "https://example.org/segmentation/api/v1/table/t/node/9/leaves?stop_layer=1&bounds=0-64_64-128_0-8")
    }
}
