@testable import ConnectomeCore
import Foundation
import ImageCodecs
import JSONModel
import Synchronization
import Testing
import TestSupport

/// Request building and strict decoding of the chunked-graph calls, against scripted answers.
@Suite("chunked graph client")
struct ChunkedGraphClientTests {
    static let local = "https://data.example.org"
    static let base = local + "/segmentation/api/v1/table/t1"

    static func graph(_ transport: ScriptedTransport, token: String? = "tok") -> ChunkedGraphClient {
        let credentials = CaveCredentials(server: "https://example.org", secrets: CaveSecrets(directory: "/nonexistent"),
                                          memory: { host in host == "example.org" ? token : nil })
        return ChunkedGraphClient(client: CaveClient(transport: transport, credentials: credentials), localServer: local, table: "t1")
    }

    static func ids(_ body: Data?) -> [UInt64] {
        let json = try! JSONValue.parse(body!)
        return json["node_ids"]!.arrayValue!.map { $0.uint64Value! }
    }

    @Test("is_latest_roots: batches of 100,000, zeros and repeats not sent, Unix-seconds timestamp, programmatic headers")
    func isLatestBatches() async throws {
        let transport = ScriptedTransport { request in
            let body = request.headers["Content-Encoding"] == "gzip" ? try Gzip.decompress(request.body!) : request.body!
            let ids = ChunkedGraphClientTests.ids(body)
            let flags = ids.map { $0 % 2 == 0 ? "true" : "false" }.joined(separator: ",")
            return ScriptedTransport.json("{\"is_latest\":[\(flags)]}", url: request.url)
        }
        let ids = [SegmentID(0)] + (1...150_000).map { SegmentID(UInt64($0)) } + [SegmentID(4), SegmentID(0)]
        let flags = try await Self.graph(transport).isLatest(ids, at: Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(flags.count == ids.count)
        #expect(flags.first == false && flags.last == false && flags[1] == false && flags[2] == true && flags[150_001] == true)
        let requests = transport.requests
        #expect(requests.count == 2)
        let sizes = try requests.map { Self.ids($0.headers["Content-Encoding"] == "gzip" ? try Gzip.decompress($0.body!) : $0.body!).count }
        #expect(sizes == [100_000, 50_000])
        for request in requests {
            #expect(request.method == .post)
            #expect(request.url == Self.base + "/is_latest_roots?timestamp=1700000000.500000")
            #expect(request.headers["X-Requested-With"] != nil)
            #expect(request.headers["Authorization"] == "Bearer tok")  // data.example.org is under example.org
        }
    }

    @Test("roots_binary: uint64 little-endian both ways, order kept, 0 kept, a short body is a DataError")
    func rootsBinary() async throws {
        let transport = ScriptedTransport { request in
            let count = request.body!.count / 8
            var out = Data()
            for index in 0..<count {
                let id = request.body!.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
                withUnsafeBytes(of: (id + 1000).littleEndian) { out.append(contentsOf: $0) }
            }
            return HTTPResponse(status: 200, headers: ["content-type": "application/octet-stream"], body: out, url: request.url)
        }
        let roots = try await Self.graph(transport).roots([5, 0, 7, 5], at: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(roots.map(\.rawValue) == [1005, 0, 1007, 1005])
        #expect(transport.requests.count == 1 && transport.requests[0].body!.count == 16)
        #expect(transport.requests[0].url == Self.base + "/roots_binary?timestamp=1700000000")

        // Distinct nonzero IDs in any order come back in the order given, each batch's body byte for byte.
        let wide: [SegmentID] = [9, SegmentID(rawValue: 0x0102_0304_0506_0708), 3]
        let batched = try await Self.graph(transport).roots(wide, at: Date(timeIntervalSince1970: 1_700_000_000), batchSize: 2)
        #expect(batched.map(\.rawValue) == [1009, 0x0102_0304_0506_0708 + 1000, 1003])
        #expect(transport.requests.count == 3)
        #expect(Array(transport.requests[1].body!) == [9, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1])
        #expect(Array(transport.requests[2].body!) == [3, 0, 0, 0, 0, 0, 0, 0])

        let short = ScriptedTransport { HTTPResponse(status: 200, body: Data(count: 12), url: $0.url) }
        let error = await #expect(throws: ConnectomeError.self) { try await Self.graph(short).roots([5, 7], at: Date()) }
        #expect(error?.kind == .data && error!.message.contains("12 bytes") && error!.message.contains("16 bytes"))
    }

    @Test("a server answer with the wrong count, a non-boolean or a non-ID is a DataError naming field and value")
    func strictDecoding() async throws {
        let answers = [
            "{\"is_latest\":[true]}": "is_latest (its length) is 1",
            "{\"is_latest\":[true, 3]}": "is_latest[1] is 3",
            "{\"latest\":[]}": "has no is_latest",
            "not json": "is not JSON",
        ]
        for (body, words) in answers {
            let transport = ScriptedTransport { ScriptedTransport.json(body, url: $0.url) }
            let error = await #expect(throws: ConnectomeError.self) { try await Self.graph(transport).isLatest([1, 2], at: Date()) }
            #expect(error?.kind == .data && error!.message.contains(words), "\(body): \(error?.message ?? "")")
        }
        let leaves = ["{\"leaf_ids\":[1, -2]}": "leaf_ids[1] is -2", "{\"leaf_ids\":[1.5]}": "leaf_ids[0] is 1.5",
                      "{\"leaf_ids\":[\"18446744073709551616\"]}": "leaf_ids[0]"]
        for (body, words) in leaves {
            let transport = ScriptedTransport { ScriptedTransport.json(body, url: $0.url) }
            let error = await #expect(throws: ConnectomeError.self) { try await Self.graph(transport).leaves(9) }
            #expect(error?.kind == .data && error!.message.contains(words), "\(body): \(error?.message ?? "")")
        }
        let strings = ScriptedTransport { ScriptedTransport.json("{\"leaf_ids\":[\"18446744073709551615\", 3]}", url: $0.url) }
        #expect(try await Self.graph(strings).leaves(9).map(\.rawValue) == [UInt64.max, 3])
        #expect(strings.requests[0].url == Self.base + "/node/9/leaves?stop_layer=1")
    }

    @Test("suggest_latest_roots and update: latest kept, supervoxel root, majority of level-2 nodes, 0 kept; cached per ID")
    func updateIDs() async throws {
        // Root 100 is latest; 200 is stale with supervoxel 21; 300 is stale: 3 of its 4 level-2 nodes are in 301 now.
        let transport = ScriptedTransport { request in
            let url = request.url
            if url.contains("/is_latest_roots") {
                let ids = ChunkedGraphClientTests.ids(request.body)
                return ScriptedTransport.json("{\"is_latest\":[\(ids.map { $0 == 100 ? "true" : "false" }.joined(separator: ","))]}", url: url)
            }
            if url.contains("/node/300/leaves?stop_layer=2") { return ScriptedTransport.json("{\"leaf_ids\":[31,32,33,34]}", url: url) }
            if url.contains("/roots_binary") {
                let count = request.body!.count / 8
                var out = Data()
                for index in 0..<count {
                    let id = request.body!.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
                    let root: UInt64 = id == 21 ? 201 : (id == 34 ? 302 : 301)
                    withUnsafeBytes(of: root.littleEndian) { out.append(contentsOf: $0) }
                }
                return HTTPResponse(status: 200, body: out, url: url)
            }
            return ScriptedTransport.json("{\"code\":400,\"message\":\"[400]: unknown\"}", status: 400, url: url)
        }
        let cache = IDUpdateCache()
        let updater = IDUpdater(graph: Self.graph(transport), cache: cache)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let rows = try await updater.update([100, 200, 300, 0, 400], supervoxels: [nil, 21, nil, nil, nil], at: now, key: "now", now: now)
        #expect(rows == [IDUpdate(oldID: 100, newID: 100, confidence: 1), IDUpdate(oldID: 200, newID: 201, confidence: 1),
                         IDUpdate(oldID: 300, newID: 301, confidence: 0.75), IDUpdate(oldID: 0, newID: 0, confidence: 0),
                         IDUpdate(oldID: 400, newID: 400, confidence: 0)])
        #expect(rows.map(\.changed) == [false, true, true, false, false])
        let asked = transport.requests.count
        // Cached for two hours per ID and time; then asked again.
        _ = try await updater.update([300], at: now, key: "now", now: now.addingTimeInterval(7199))
        #expect(transport.requests.count == asked)
        _ = try await updater.update([300], at: now, key: "2026-01-01T00:00:00Z", now: now)
        #expect(transport.requests.count > asked)
        let again = transport.requests.count
        _ = try await updater.update([300], at: now, key: "now", now: now.addingTimeInterval(7200))
        #expect(transport.requests.count > again)
    }

    @Test("distinct nonzero IDs: the increasing-order shortcut gives what the hash table gives, for any order")
    func distinctShortcutEqualsHashing() {
        var state: UInt64 = 3
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 20 }
        let sorted = (0..<5_000).map { _ in next() }.sorted()
        let cases: [[UInt64]] = [
            [], [0], [7], [0, 0], [0, 5], [5, 0], [1, 2, 3], [1, 1, 2], [3, 2, 1], [0, 1, 2, 0], [1, 2, 2, 3],
            Array(Set(sorted)).sorted(), [0] + Array(Set(sorted)).sorted(), sorted + [sorted.last! + 1, 1],
            (0..<5_000).map { _ in next() % 300 }, [UInt64.max - 1, UInt64.max],
        ]
        for raw in cases {
            let ids = raw.map { SegmentID(rawValue: $0) }
            let fast = ChunkedGraphClient.distinctNonzero(ids)
            let hashed = ChunkedGraphClient.hashedDistinctNonzero(ids)
            #expect(fast.ids == hashed.ids && fast.slots == hashed.slots, "\(raw.prefix(6))… (\(raw.count))")
            // Independently: the places map back to the IDs, zeros to -1.
            #expect(zip(ids, fast.slots).allSatisfy { id, slot in slot < 0 ? id.rawValue == 0 : fast.ids[Int(slot)] == id })
        }
        #expect(ChunkedGraphClient.strictlyIncreasing([1, 2, 3].map { SegmentID(rawValue: $0) }) != nil)
        #expect(ChunkedGraphClient.strictlyIncreasing([1, 3, 3].map { SegmentID(rawValue: $0) }) == nil)
    }

    @Test("node_ids bodies: every digit count from 1 to 20, each power of ten and its neighbours, as JSON writes them")
    func nodeIDsBodyDigits() {
        var values: [UInt64] = [0, 1, 9, UInt64.max, UInt64.max - 1, 576_460_752_664_524_086]
        var power: UInt64 = 10
        for _ in 1...19 {
            values += [power - 1, power, power + 1]
            if power > UInt64.max / 10 { break }
            power *= 10
        }
        var generator = SystemRandomNumberGenerator()
        values += (0..<1_000).map { _ in UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0...63, using: &generator) }
        let body = ChunkedGraphDecoding.nodeIDsBody(values.map { SegmentID(rawValue: $0) })
        let expected = "{\"node_ids\":[" + values.map { String($0) }.joined(separator: ",") + "]}"
        #expect(String(decoding: body, as: UTF8.self) == expected)
        #expect(String(decoding: ChunkedGraphDecoding.nodeIDsBody([SegmentID](), key: "root_ids"), as: UTF8.self) == "{\"root_ids\":[]}")
    }

    @Test("Unix-seconds timestamps: whole seconds as integers, fractions to microseconds")
    func timestamps() {
        #expect(ChunkedGraphDecoding.timestampParameter(Date(timeIntervalSince1970: 1_700_000_000)) == "1700000000")
        #expect(ChunkedGraphDecoding.timestampParameter(Date(timeIntervalSince1970: 0.25)) == "0.250000")
    }
}
