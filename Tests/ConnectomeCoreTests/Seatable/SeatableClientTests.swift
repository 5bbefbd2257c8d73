import ConnectomeCore
import Foundation
import JSONModel
import Synchronization
import Testing
import TestSupport

/// A Seatable in a closure: the login chain, the SQL endpoints and their refusals, over `rows`.
final class FakeSeatable: Sendable {
    let rows: [[String: JSONValue]]
    let gateway: Bool
    /// Per SQL request number (0-based): a status to answer instead, or "expire".
    let faults: [Int: String]
    let dbHost: String
    private let sqlCount = Mutex(0)
    private let issued = Mutex(0)

    static let columns: [(String, String, String)] = [
        ("0000", "root_id", "text"), ("k001", "position", "text"), ("k002", "proofread", "checkbox"),
        ("k003", "status", "multiple-select"), ("k004", "side", "single-select"), ("k005", "cell_type", "text"),
        ("k006", "size", "number"),
    ]

    init(rows: [[String: JSONValue]], gateway: Bool = true, faults: [Int: String] = [:], dbHost: String = "cloud.seatable.io") {
        self.rows = rows
        self.gateway = gateway
        self.faults = faults
        self.dbHost = dbHost
    }

    var sqlRequests: Int { sqlCount.withLock { $0 } }
    var logins: Int { issued.withLock { $0 } }

    func answer(_ request: HTTPRequest) throws -> HTTPResponse {
        let token = request.headers["Authorization"].map { String($0.dropFirst("Token ".count)) }
        let path = String(request.url.dropFirst("https://cloud.seatable.io".count))
        func json(_ value: JSONValue, _ status: Int = 200) -> HTTPResponse {
            HTTPResponse(status: status, headers: ["content-type": "application/json"], body: value.serialized(), url: request.url)
        }
        if path == "/api/v2.1/workspace/62919/dtable/CRANTb/temp-api-token/" {
            if token == "old-account" { return json(["error_msg": "Token expired."], 403) }
            return token == "account" ? json(["api_token": "base"]) : json(["detail": "Invalid token"], 401)
        }
        if path == "/api/v2.1/dtable/app-access-token/" {
            guard token == "base" else { return json(["detail": "Invalid token"], 401) }
            let n = issued.withLock { $0 += 1; return $0 }
            return json(["access_token": .string("access-\(n)"), "dtable_uuid": "0c8b5f2e-6a7d-4e1b-9a3c-5d2f8e7b1a40",
                         "dtable_db": .string("https://\(dbHost)/dtable-db/"), "use_api_gateway": .bool(gateway)])
        }
        let gatewayPath = "/api-gateway/api/v2/dtables/0c8b5f2e-6a7d-4e1b-9a3c-5d2f8e7b1a40/sql"
        let dbPath = "/dtable-db/api/v1/query/0c8b5f2e-6a7d-4e1b-9a3c-5d2f8e7b1a40/"
        guard path == (gateway ? gatewayPath : dbPath), request.method == .post else { return json(["error_msg": "no route"], 404) }
        let number = sqlCount.withLock { $0 += 1; return $0 - 1 }
        if let fault = faults[number] {
            if fault == "expire" { return json(["error_msg": "Token expired."], 403) }
            return json(["error_msg": "injected"], Int(fault)!)
        }
        guard token?.hasPrefix("access-") == true, token == "access-\(logins)" else { return json(["error_msg": "Token expired."], 403) }
        let sql = try JSONValue.parse(request.body!)["sql"]!.stringValue!
        let numbers = sql.split(separator: " ").compactMap { Int($0) }
        let (limit, offset) = (numbers[0], numbers[1])
        let page = Array(rows.dropFirst(offset).prefix(limit)).map { row -> JSONValue in
            var out: [String: JSONValue] = [:]
            for (key, name, type) in Self.columns {
                guard var value = row[name] else { continue }
                if type.hasSuffix("select"), !gateway {
                    if case .string(let s) = value { value = .string("opt-" + s) }
                    if case .array(let items) = value { value = .array(items.map { .string("opt-" + ($0.stringValue ?? "")) }) }
                }
                out[gateway ? name : key] = value
            }
            out["_id"] = row["_id"]
            return .object(out)
        }
        let metadata: [JSONValue] = Self.columns.map { key, name, type in
            var column: [String: JSONValue] = ["key": .string(key), "name": .string(name), "type": .string(type)]
            if type.hasSuffix("select") {
                let names = ["left", "right", "proofread", "backbone", "needs_review"]
                column["data"] = ["options": .array(names.map { ["id": .string("opt-" + $0), "name": .string($0)] })]
            }
            return .object(column)
        }
        return json(["success": true, "metadata": .array(metadata), "results": .array(page)])
    }
}

@Suite("Seatable client")
struct SeatableClientTests {
    static let fields = ["root_id", "position", "proofread", "status", "side", "cell_type", "size", "not_there"]

    static func rows(_ count: Int) -> [[String: JSONValue]] {
        (0..<count).map { i in
            var row: [String: JSONValue] = ["_id": .string("r\(i)"), "root_id": .string(String(UInt64.max - UInt64(i))),
                                            "position": .string("\(10 + i), \(20 + i), \(30 + i)"), "proofread": .bool(i % 2 == 0),
                                            "status": .array(i % 2 == 0 ? ["proofread", "backbone"] : ["needs_review"]),
                                            "side": .string(i % 3 == 0 ? "left" : "right"), "size": .int(Int64(i))]
            if i != 1 { row["cell_type"] = .string(i == 2 ? "" : "KC_\(i)") }
            return row
        }
    }

    static func client(_ fake: FakeSeatable, token: String? = "account", pageSize: Int = 2) -> (SeatableClient, ScriptedTransport) {
        let transport = ScriptedTransport { try fake.answer($0) }
        let client = SeatableClient(table: .crant, transport: transport, pageSize: pageSize,
                                    accountToken: { token.map { ($0, "CRANTTABLE_TOKEN") } })
        return (client, transport)
    }

    @Test("account → base → access token, each only to the table's host; pages until a short one; crantpy's types")
    func readsAllPages() async throws {
        let fake = FakeSeatable(rows: Self.rows(5))
        let (client, transport) = Self.client(fake)
        let table = try await client.readAll(fields: Self.fields)
        #expect(fake.sqlRequests == 3)
        let requests = transport.requests
        #expect(requests.map { $0.headers["Authorization"] } == ["Token account", "Token base", "Token access-1", "Token access-1", "Token access-1"])
        #expect(requests.allSatisfy { CredentialScope.host(of: $0.url) == "cloud.seatable.io" })
        let sql = requests.dropFirst(2).map { try! JSONValue.parse($0.body!)["sql"]!.stringValue! }
        #expect(sql.last == "SELECT `root_id`, `position`, `proofread`, `status`, `side`, `cell_type`, `size`, `not_there` FROM `CRANTb_meta` LIMIT 2 OFFSET 4")
        #expect(table.columnNames == ["root_id", "position", "proofread", "status", "side", "cell_type", "size"])
        #expect(table.rowCount == 5)
        #expect(table[row: 0, column: "root_id"] == .uint64(UInt64.max))
        #expect(table[row: 4, column: "position"] == .intVector([14, 24, 34]))
        #expect(table[row: 1, column: "proofread"] == .bool(false))
        #expect(table[row: 0, column: "status"] == .stringList(["proofread", "backbone"]))
        #expect(table[row: 3, column: "side"] == .string("left"))
        #expect(table[row: 1, column: "cell_type"] == .null && table[row: 2, column: "cell_type"] == .null)
        #expect(table[row: 3, column: "size"] == .double(3))
    }

    @Test("dtable-db without the gateway: rows by column key, select option IDs named from the metadata")
    func legacyPath() async throws {
        let fake = FakeSeatable(rows: Self.rows(3), gateway: false)
        let (client, transport) = Self.client(fake, pageSize: 10)
        let table = try await client.readAll(fields: Self.fields)
        #expect(transport.requests.last!.url == "https://cloud.seatable.io/dtable-db/api/v1/query/0c8b5f2e-6a7d-4e1b-9a3c-5d2f8e7b1a40/")
        #expect(table[row: 0, column: "side"] == .string("left") && table[row: 0, column: "status"] == .stringList(["proofread", "backbone"]))
        #expect(table[row: 2, column: "root_id"] == .uint64(UInt64.max - 2))
    }

    @Test("a dtable_db on another host does not get the access token")
    func accessTokenStaysOnTheHost() async throws {
        let fake = FakeSeatable(rows: Self.rows(3), gateway: false, dbHost: "db.elsewhere.example")
        let (client, transport) = Self.client(fake)
        let error = await #expect(throws: ConnectomeError.self) { try await client.readAll(fields: Self.fields) }
        #expect(error?.message.contains("not on cloud.seatable.io") == true, "\(error?.message ?? "")")
        #expect(!transport.requests.contains { $0.url.contains("elsewhere") })
    }

    @Test("a page that fails fails the read: no partial table")
    func failedPage() async throws {
        let fake = FakeSeatable(rows: Self.rows(5), faults: [1: "500"])
        let (client, _) = Self.client(fake)
        let error = await #expect(throws: ConnectomeError.self) { try await client.readAll(fields: Self.fields) }
        #expect(error?.kind == .network)
        #expect(error?.message.contains("page 2 of Seatable https://cloud.seatable.io workspace 62919 base CRANTb table CRANTb_meta (rows 3–4) failed, so no table is kept") == true,
                "\(error?.message ?? "")")
    }

    @Test("an access token expiring between pages: log in again once and go on")
    func expiredAccessToken() async throws {
        let fake = FakeSeatable(rows: Self.rows(5), faults: [1: "expire"])
        let (client, transport) = Self.client(fake)
        let table = try await client.readAll(fields: Self.fields)
        #expect(table.rowCount == 5 && fake.logins == 2)
        #expect(transport.requests.last!.headers["Authorization"] == "Token access-2")
    }

    @Test("no token, a refused token, an expired account token: AuthErrors that say how to set one; tokens never in messages")
    func refusals() async throws {
        for (token, words) in [(nil, ["needs a Seatable account token", "CRANTTABLE_TOKEN", "token seatable="]),
                               ("wrong", ["401", "Invalid token", "refused the Seatable account token from CRANTTABLE_TOKEN", "CRANTTABLE_TOKEN"]),
                               ("old-account", ["expired", "Make a new account token"])] as [(String?, [String])] {
            let (client, _) = Self.client(FakeSeatable(rows: Self.rows(1)), token: token)
            let error = await #expect(throws: ConnectomeError.self) { try await client.readAll(fields: Self.fields) }
            #expect(error?.kind == .auth)
            for word in words { #expect(error?.description.contains(word) == true, "\(word) in \(error?.description ?? "")") }
            if let token { #expect(error?.description.contains(token + " ") == false) }
        }
    }

    @Test("tokens go over https, or plain http only to this machine")
    func secureChannel() async throws {
        let transport = ScriptedTransport { ScriptedTransport.json("{}", url: $0.url) }
        let table = try SeatableTable.crant.on(server: "http://seatable.example.org/")
        let client = SeatableClient(table: table, transport: transport, accountToken: { ("account", "CRANTTABLE_TOKEN") })
        let error = await #expect(throws: ConnectomeError.self) { try await client.readAll(fields: ["root_id"]) }
        #expect(error?.message.contains("unencrypted") == true)
        #expect(transport.requests.isEmpty)
        #expect(table.server == "http://seatable.example.org")
        #expect(throws: ConnectomeError.self) { try SeatableTable.crant.on(server: "https://user:pw@host") }
    }

    @Test("a row seen on two pages (the table changed): read again, then an error")
    func changedWhileRead() async throws {
        var rows = Self.rows(4)
        rows[2]["_id"] = rows[1]["_id"]
        let fake = FakeSeatable(rows: rows)
        let (client, _) = Self.client(fake)
        let error = await #expect(throws: ConnectomeError.self) { try await client.readAll(fields: Self.fields) }
        #expect(error?.message.contains("changed while it was read") == true)
        #expect(fake.sqlRequests == 6, "two whole reads of three pages")
    }

    @Test("cells: an ID that is no ID is an error naming the row; a position that is none keeps the column as text")
    func cells() async throws {
        var rows = Self.rows(3)
        rows[1]["root_id"] = .string("12abc")
        let error = await #expect(throws: ConnectomeError.self) {
            try await Self.client(FakeSeatable(rows: rows), pageSize: 10).0.readAll(fields: Self.fields)
        }
        #expect(error?.kind == .data && error?.message.contains("row 2, root_id is \"12abc\", not an unsigned 64-bit ID") == true,
                "\(error?.message ?? "")")
        rows = Self.rows(3)
        rows[1]["root_id"] = .string("None")
        rows[2]["position"] = .string("near the edge")
        let table = try await Self.client(FakeSeatable(rows: rows), pageSize: 10).0.readAll(fields: Self.fields)
        #expect(table[row: 1, column: "root_id"] == .null)
        #expect(table.column("position")?.type == .string && table[row: 2, column: "position"] == .string("near the edge"))
        #expect(table[row: 0, column: "position"] == .string("10, 20, 30"))
    }

    @Test("a table large enough for its fields to be decoded in parallel: the same cells, and the first bad field's error")
    func largeTableDecodedInParallel() async throws {
        let count = 2_500
        let table = try await Self.client(FakeSeatable(rows: Self.rows(count)), pageSize: 1_000).0.readAll(fields: Self.fields)
        #expect(table.rowCount == count && table.columnNames == ["root_id", "position", "proofread", "status", "side", "cell_type", "size"])
        for row in [0, 1, 2, 1_999, count - 1] {
            #expect(table[row: row, column: "root_id"] == .uint64(UInt64.max - UInt64(row)))
            #expect(table[row: row, column: "position"] == .intVector([Int64(10 + row), Int64(20 + row), Int64(30 + row)]))
            #expect(table[row: row, column: "size"] == .double(Double(row)))
            #expect(table[row: row, column: "side"] == .string(row % 3 == 0 ? "left" : "right"))
            #expect(table[row: row, column: "cell_type"] == (row == 1 || row == 2 ? .null : .string("KC_\(row)")))
        }
        // Two bad fields far apart: the error is the one of the field asked first (root_id), not the
        // one a core happened to finish first.
        var rows = Self.rows(count)
        rows[2_400]["root_id"] = .string("not an id")
        rows[10]["size"] = .string("big")
        rows[2_200]["position"] = .string("1, 2")
        let error = await #expect(throws: ConnectomeError.self) {
            try await Self.client(FakeSeatable(rows: rows), pageSize: 1_000).0.readAll(fields: Self.fields)
        }
        #expect(error?.message.contains("row 2401, root_id is \"not an id\"") == true, "\(error?.message ?? "")")
    }

    @Test("the table cache: a hit under 2 hours, read again after, cleared on request; one read for concurrent callers")
    func cache() async throws {
        let cache = AnnotationTableCache()
        let reads = Mutex(0)
        let clock = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let read: @Sendable () async throws -> DataTable = {
            reads.withLock { $0 += 1 }
            return try DataTable(columns: [DataColumn("root_id", .uint64(ScalarColumn(values: [1, 2])))])
        }
        let now: @Sendable () -> Date = { clock.withLock { $0 } }
        _ = try await cache.table("t", now: now, read: read)
        _ = try await cache.table("t", now: now, read: read)
        #expect(reads.withLock { $0 } == 1)
        clock.withLock { $0 = $0.addingTimeInterval(7199) }
        _ = try await cache.table("t", now: now, read: read)
        #expect(reads.withLock { $0 } == 1)
        #expect(cache.summary(now: now()).first?.rows == 2)
        clock.withLock { $0 = $0.addingTimeInterval(2) }
        _ = try await cache.table("t", now: now, read: read)
        #expect(reads.withLock { $0 } == 2)
        cache.clear("t")
        async let a = cache.table("t", now: now, read: read)
        async let b = cache.table("t", now: now, read: read)
        _ = try await (a, b)
        #expect(reads.withLock { $0 } == 3)
    }
}
