@testable import ConnectomeCore
import Foundation
import JSONModel
import Testing
import TestSupport

/// Requests, decoding (Arrow IPC with every buffer codec, JSON rows), ID batching and limits of the
/// materialization client, against scripted answers.
@Suite("materialization client")
struct MaterializationClientTests {
    static let local = "https://data.example.org"
    static let stack = local + "/materialize/api/v3/datastack/ds"

    static func client(_ transport: ScriptedTransport) -> MaterializationClient {
        let credentials = CaveCredentials(server: "https://example.org", secrets: CaveSecrets(directory: "/nonexistent"),
                                          memory: { host in host == "example.org" ? "tok" : nil })
        return MaterializationClient(client: CaveClient(transport: transport, credentials: credentials), localServer: local, datastack: "ds")
    }

    /// Synapse rows as the server sends them: positions split, in nm.
    static func rows(pre: [UInt64], post: [UInt64], firstID: UInt64 = 1, ids: [UInt64]? = nil) throws -> DataTable {
        let n = pre.count
        var columns = [
            DataColumn("id", .uint64(ScalarColumn(values: ids ?? (0..<UInt64(n)).map { $0 + firstID }))),
            DataColumn("size", .int64(ScalarColumn(values: (0..<n).map { Int64($0 * 10) }))),
            DataColumn("pre_pt_root_id", .int64(ScalarColumn(values: pre.map { Int64($0) }))),
            DataColumn("post_pt_root_id", .int64(ScalarColumn(values: post.map { Int64($0) }))),
        ]
        for (axis, factor) in zip(["x", "y", "z"], [8.0, 8.0, 42.0]) {
            columns.append(DataColumn("pre_pt_position_" + axis, .int64(ScalarColumn(values: (0..<n).map { Int64(Double($0 + 1) * factor * 3 + 5) }))))
        }
        return try DataTable(columns: columns)
    }

    /// The ConnectomeError `body` throws, or nil when it returns.
    static func failure(_ body: () throws -> Void) -> ConnectomeError? {
        do { try body() } catch { return error as? ConnectomeError }
        return nil
    }

    static func arrow(_ table: DataTable, compression: ArrowWriter.Compression? = .zstd, headers: [String: String] = [:], url: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["content-type": "data.arrow"].merging(headers) { $1 },
                     body: ArrowWriter.write(table, compression: compression, framing: .stream), url: url)
    }

    @Test("the frozen and live queries send CAVEclient's URL, query string, Accept-Encoding and body")
    func requests() async throws {
        let transport = ScriptedTransport { request in Self.arrow(try Self.rows(pre: [1], post: [2]), url: request.url) }
        let client = Self.client(transport)
        let query = MaterializationQuery(table: "synapses_v2", filterIn: [.init(column: "pre_pt_root_id", ids: [5, 7])],
                                         atLeast: [.init(column: "size", value: 20)])
        _ = try await client.query(query, at: .version(3))
        _ = try await client.query(query, at: .live(Date(timeIntervalSince1970: 1_750_000_060.25)), format: .json)
        let (frozen, live) = (transport.requests[0], transport.requests[1])
        #expect(frozen.url == Self.stack + "/version/3/table/synapses_v2/query?return_pyarrow=True&arrow_format=True&split_positions=True&direct_sql_pandas=True")
        #expect(frozen.headers["Accept-Encoding"] == "zstd" && frozen.headers["Authorization"] == "Bearer tok")
        #expect(String(decoding: frozen.body!, as: UTF8.self)
            == #"{"filter_in_dict":{"synapses_v2":{"pre_pt_root_id":[5,7]}},"filter_greater_equal_dict":{"synapses_v2":{"size":20}}}"#)
        #expect(live.url == Self.stack + "/query?return_pyarrow=False&arrow_format=False&merge_reference=False&allow_missing_lookups=False&allow_invalid_root_ids=False&direct_sql_pandas=True")
        #expect(live.headers["Accept-Encoding"] == "gzip")
        let body = try JSONValue.parse(live.body!)
        #expect(body["table"]?.stringValue == "synapses_v2")
        #expect(body["timestamp"]?.stringValue == "2025-06-15T15:07:40.250000+00:00")
        #expect(MaterializationFormat.arrowLZ4.acceptEncoding == "lz4" && MaterializationFormat.arrowUncompressed.acceptEncoding == "gzip")
    }

    @Test("Arrow answers decode with ZSTD, LZ4 or no buffer compression; a stream cut anywhere is a DataError")
    func arrowCodecs() throws {
        let table = try Self.rows(pre: [1, 2, 3], post: [4, 5, 6])
        for compression in [ArrowWriter.Compression.zstd, .lz4, nil] {
            let answer = try MaterializationDecoding.answer(Self.arrow(table, compression: compression, url: "u"), url: "u")
            #expect(answer.table.rowCount == 3 && !answer.limited)
            #expect(answer.table.column("pre_pt_root_id")?.data == .uint64(ScalarColumn(values: [1, 2, 3])))
        }
        let stream = ArrowWriter.write(table, compression: .zstd, framing: .stream)
        for cut in [stream.count - 8, stream.count - 1, stream.count / 2, 12] {
            let error = Self.failure { _ = try MaterializationDecoding.arrowStream(Data(stream.prefix(cut)), source: "the answer") }
            #expect(error?.kind == .data && error?.message.contains("the answer") == true, "cut at \(cut)")
        }
    }

    @Test("a wrong content type is a DataError naming the URL and the type")
    func contentType() throws {
        let response = HTTPResponse(status: 200, headers: ["content-type": "text/plain"], body: Data("[]".utf8), url: "https://h/q")
        let error = Self.failure { _ = try MaterializationDecoding.answer(response, url: "https://h/q") }
        #expect(error?.kind == .data && error?.message.contains("https://h/q") == true && error?.message.contains("text/plain") == true)
    }

    @Test("JSON rows: integers, IDs past 2^63, floats, strings, booleans and nulls become typed columns")
    func jsonRows() throws {
        let text = #"[{"id":1,"pre_pt_root_id":18446744073709551615,"size":2,"valid":"t","x":1.5,"ok":true,"s":null},"#
            + #"{"id":2,"pre_pt_root_id":7,"size":3.25,"valid":"t\u00e9\n","x":null,"ok":false,"s":"a"}]"#
        let table = try MaterializationDecoding.jsonRecords(Data(text.utf8), source: "j")
        #expect(table.columnNames == ["id", "pre_pt_root_id", "size", "valid", "x", "ok", "s"])
        #expect(table.column("id")?.data == .uint64(ScalarColumn(values: [1, 2])))
        #expect(table.column("pre_pt_root_id")?.data == .uint64(ScalarColumn(values: [UInt64.max, 7])))
        #expect(table.column("size")?.data == .double(ScalarColumn(values: [2, 3.25])))
        #expect(table[row: 1, column: "valid"] == .string("té\n"))
        #expect(table[row: 1, column: "x"] == .null && table[row: 0, column: "s"] == .null)
        #expect(table.column("ok")?.data == .bool(ScalarColumn(values: [true, false])))
        #expect(try MaterializationDecoding.jsonRecords(Data("[]".utf8), source: "j").rowCount == 0)
        for bad in [#"[{"a":1},"#, #"[{"a":[1,2]}]"#, #"[{"a":1},{"a":"x"}]"#, #"{"a":1}"#, #"[{"a":1,"a":2}]"#, #"[{"a":-1},{"a":18446744073709551615}]"#] {
            #expect(throws: ConnectomeError.self) { try MaterializationDecoding.jsonRecords(Data(bad.utf8), source: "j") }
        }
    }

    @Test("the limit warning is read from the Warning header, other warnings are kept")
    func warnings() {
        let (limited, others) = MaterializationDecoding.warnings(#"201 - "Limited query to 200000 rows, 201 - "table is deprecated""#)
        #expect(limited && others == ["table is deprecated"])
        #expect(MaterializationDecoding.warnings(nil) == (false, []))
    }

    @Test("IDs go in batches of 10,000; a limited batch is asked again in halves; one ID still limited is a warning")
    func batches() async throws {
        let transport = ScriptedTransport { request in
            let body = try JSONValue.parse(request.body!)
            let ids = body["filter_in_dict"]!["synapses_v2"]!["pre_pt_root_id"]!.arrayValue!.map { $0.uint64Value! }
            // The server limits any request that contains ID 7 with another ID, and ID 7 alone.
            let limited = ids.contains(7)
            return Self.arrow(try Self.rows(pre: ids.prefix(3).map { $0 }, post: ids.prefix(3).map { _ in 1 }, firstID: ids[0] * 10),
                              headers: limited ? ["warning": #"201 - "Limited query to 3 rows"#] : [:], url: request.url)
        }
        let ids = (1...25_000).map { SegmentID(UInt64($0)) } + [SegmentID(0), SegmentID(3)]
        let query = MaterializationQuery(table: "synapses_v2", filterIn: [.init(column: "pre_pt_root_id", ids: ids)])
        let answer = try await Self.client(transport).queryInBatches(query, at: .version(1))
        let sizes = try transport.requests.map { try JSONValue.parse($0.body!)["filter_in_dict"]!["synapses_v2"]!["pre_pt_root_id"]!.arrayValue!.count }
        // The first batch (with 7) is halved: 5000, 2500, ... down to [7]; then the other halves and batches.
        #expect(sizes.first == 10_000 && sizes[1] == 5_000 && sizes.filter { $0 == 10_000 }.count == 2 && sizes.last == 5_000)
        #expect(sizes.reduce(0, +) > 25_000)
        #expect(sizes.contains(1))
        #expect(answer.limited && answer.warnings.contains { $0.contains("pre_pt_root_id 7") && $0.contains("missing") })
        #expect(transport.requests.allSatisfy { !String(decoding: $0.body!, as: UTF8.self).contains("[0,") })
    }

    @Test("versions, version timestamps and table metadata are checked")
    func metadata() async throws {
        let transport = ScriptedTransport { request in
            if request.url.hasSuffix("/versions?expired=False") { return ScriptedTransport.json("[1, 4, 2]", url: request.url) }
            if request.url.hasSuffix("/version/4") {
                return ScriptedTransport.json(#"{"version":4,"time_stamp":"2025-06-16T12:00:00.5","expires_on":null,"valid":true}"#, url: request.url)
            }
            return ScriptedTransport.json(#"{"voxel_resolution_x":1,"voxel_resolution_y":1,"voxel_resolution_z":0,"reference_table":""}"#, url: request.url)
        }
        let client = Self.client(transport)
        #expect(try await client.latestVersion() == 4)
        #expect(try await client.timestamp(ofVersion: nil) == Date(timeIntervalSince1970: 1_750_075_200.5))
        var refused: ConnectomeError?
        do { _ = try await client.tableMetadata("synapses_v2", version: 4) } catch { refused = error as? ConnectomeError }
        #expect(refused?.message.contains("voxel_resolution_z") == true)
        #expect(throws: ConnectomeError.self) { try MaterializationDecoding.versions(Data("[1, -2]".utf8), source: "v") }
    }

    @Test("CaveNeuronSource: both directions once each, positions in viewer voxels, the version said")
    func neuronSource() async throws {
        let transport = ScriptedTransport { request in
            if request.url.hasSuffix("/versions?expired=False") { return ScriptedTransport.json("[2]", url: request.url) }
            if request.url.hasSuffix("/metadata") {
                return ScriptedTransport.json(#"{"voxel_resolution_x":1,"voxel_resolution_y":1,"voxel_resolution_z":1}"#, url: request.url)
            }
            let body = try JSONValue.parse(request.body!)["filter_in_dict"]!["synapses_v2"]!
            // Synapse 1 is an autapse of 10: both directions answer it.
            return Self.arrow(body["pre_pt_root_id"] != nil ? try Self.rows(pre: [10, 10], post: [10, 11], ids: [1, 2])
                                                            : try Self.rows(pre: [10, 12], post: [10, 10], ids: [1, 3]),
                              url: request.url)
        }
        let client = Self.client(transport)
        let source = CaveNeuronSource(datastack: "ds", connect: {
            CaveNeuronSource.Connection(materialization: client, synapseTable: "synapses_v2", viewerResolution: [8, 8, 42])
        })
        let table = try await source.synapses(.touching([10]))
        #expect(table.table.rowCount == 3)  // synapse 1 (the autapse) answered by both directions, kept once
        #expect(table.table.column("id")?.data == .uint64(ScalarColumn(values: [1, 2, 3])))
        // 3 × 8 + 5 nm → voxel 3 in x and y; 3 × 42 + 5 nm → voxel 3 in z.
        #expect(table.table.column("pre_pt_position")?.data == .intVector(VectorColumn(values: [3, 3, 3, 6, 6, 6, 6, 6, 6])))
        #expect(table.table.column("pre_pt_position_x") == nil)
        #expect(table.notes.first == "synapses_v2 at materialization version 2")
        let rows = try table.synapses(.touching([10]))
        #expect(rows.rowCount == 2)  // the autapse dropped
        await #expect(throws: ConnectomeError.self) { try await source.annotations() }
    }

    @Test("viewer positions: rounded down also below zero, a null or non-finite coordinate a null point, too far an error")
    func viewerPositionsRoundDown() throws {
        let rows = try DataTable(columns: [
            DataColumn("pt_x", .double(ScalarColumn(values: [-0.5, 15.9, .nan, 7, -16]))),
            DataColumn("pt_y", .int64(ScalarColumn([-9, 8, 0, nil, 17], null: 0))),
            DataColumn("pt_z", .uint64(ScalarColumn(values: [0, 84, 0, 0, 41]))),
            DataColumn("size", .int64(ScalarColumn(values: [1, 2, 3, 4, 5]))),
        ])
        let table = try CaveNeuronSource.viewerPositions(rows, tableResolution: [1, 1, 1], viewerResolution: [8, 8, 42])
        #expect(table.columnNames == ["pt", "size"])
        guard case .intVector(let points) = table.column("pt")?.data else {
            Issue.record("pt is not a column of points")
            return
        }
        #expect(Array(points.values[0..<6]) == [-1, -2, 0, 1, 1, 2])
        #expect(Array(points.values[12..<15]) == [-2, 2, 0])
        #expect((0..<5).map { points.isNull($0) } == [false, false, true, true, false])

        let far = try DataTable(columns: ["x", "y", "z"].map { DataColumn("pt_" + $0, .double(ScalarColumn(values: [1e300]))) })
        let error = #expect(throws: ConnectomeError.self) {
            try CaveNeuronSource.viewerPositions(far, tableResolution: [1, 1, 1], viewerResolution: [8, 8, 42])
        }
        #expect(error?.message.contains("pt") == true && error?.message.contains("2^62") == true)
    }
}
