import Foundation
import ImageCodecs

/// The materialization service of a CAVE datastack (MaterializationEngine `materialize/api/v3`):
/// versions, table metadata, and queries of a table at a version or live at an instant.
///
/// Queries are never paged by offset (the server has no ORDER BY, so offsets are no stable cursor):
/// the IDs of the filters are split into batches of `CaveLimits.materializationIDBatch`, and a batch
/// whose answer hits the server's row limit is split in halves and asked again, down to one ID. Rows
/// still limited with one ID are kept and said in the answer's warnings, never dropped silently.
public struct MaterializationClient: Sendable {
    public let client: CaveClient
    public let datastack: String
    /// `{local}/materialize/api`.
    public let base: String

    public init(client: CaveClient, localServer: String, datastack: String) {
        self.client = client
        self.datastack = datastack
        self.base = CaveDatastack.trimmed(localServer) + "/materialize/api"
    }

    var stack: String {
        base + "/v3/datastack/" + (datastack.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? datastack)
    }

    // MARK: - Versions and metadata

    /// The valid versions (`versions?expired=False`).
    public func versions() async throws -> [Int] {
        let url = stack + "/versions?expired=False"
        return try MaterializationDecoding.versions(try await client.get(url, what: "the materialization versions", maxBytes: CaveLimits.maxInfoBytes),
                                                    source: "the versions from \(url)")
    }

    /// The newest valid version.
    public func latestVersion() async throws -> Int {
        guard let latest = try await versions().max() else {
            throw ConnectomeError.data("datastack \(datastack) has no valid materialization version at \(base)",
                                       hint: "Query live with at=now, or ask the datastack's administrators")
        }
        return latest
    }

    public func version(_ number: Int) async throws -> MaterializationVersion {
        let url = stack + "/version/\(number)"
        let body = try await client.get(url, what: "materialization version \(number)", maxBytes: CaveLimits.maxInfoBytes)
        let version = try MaterializationDecoding.version(body, source: "version \(number) from \(url)")
        guard version.version == number else {
            throw ConnectomeError.data("\(url) describes version \(version.version), not \(number)")
        }
        return version
    }

    /// The instant of version `number`, or of the newest valid version when nil (`mat`, `mat_<v>`).
    public func timestamp(ofVersion number: Int?) async throws -> Date {
        let resolved: Int
        if let number { resolved = number } else { resolved = try await latestVersion() }
        return try await version(resolved).timeStamp
    }

    public func tableMetadata(_ table: String, version: Int) async throws -> MaterializationTableMetadata {
        try MaterializationQuery.checkName(table, what: "table")
        let url = stack + "/version/\(version)/table/\(table)/metadata"
        let body = try await client.get(url, what: "the metadata of table \(table)", maxBytes: CaveLimits.maxInfoBytes)
        return try MaterializationDecoding.tableMetadata(body, table: table, source: "the metadata of \(table) from \(url)")
    }

    // MARK: - Queries

    /// One request: the frozen query of version `v`, or the live query at an instant.
    public func query(_ query: MaterializationQuery, at point: MaterializationPoint,
                      format: MaterializationFormat = .arrow) async throws -> MaterializationAnswer {
        try MaterializationQuery.checkName(query.table, what: "table")
        for name in query.filterIn.map(\.column) + query.atLeast.map(\.column) + query.atMost.map(\.column) + (query.selectColumns ?? []) {
            try MaterializationQuery.checkName(name, what: "column")
        }
        let url: String
        let body: Data
        switch point {
        case .version(let version):
            url = stack + "/version/\(version)/table/\(query.table)/query?" + MaterializationQuery.queryString(format: format, live: false)
            body = query.body()
        case .live(let date):
            url = stack + "/query?" + MaterializationQuery.queryString(format: format, live: true)
            body = query.body(liveAt: date)
        }
        var request = HTTPRequest(method: .post, url: url, headers: ["Content-Type": "application/json", "Accept-Encoding": format.acceptEncoding],
                                  body: body)
        if body.count >= CaveLimits.gzipRequestBytes {
            request.body = Gzip.compressFast(body)
            request.headers["Content-Encoding"] = "gzip"
        }
        let response = try await client.response(request, what: "a query of table \(query.table)", maxBytes: CaveLimits.maxQueryBytes)
        return try MaterializationDecoding.answer(response, url: url)
    }

    /// The rows of `query` in ID batches: every `filterIn` list is split into batches of `batchSize`
    /// (zeros and repeats dropped; an empty list matches nothing), and a limited answer is asked
    /// again in halves. The warnings name the IDs whose rows are still limited.
    public func queryInBatches(_ query: MaterializationQuery, at point: MaterializationPoint,
                               format: MaterializationFormat = .arrow,
                               batchSize: Int = CaveLimits.materializationIDBatch) async throws -> MaterializationAnswer {
        precondition(batchSize >= 1)
        var base = query
        for index in base.filterIn.indices {
            base.filterIn[index].ids = ChunkedGraphClient.uniqueNonzero(base.filterIn[index].ids)
            try ChunkedGraphClient.checkCount(base.filterIn[index].ids.count, what: "IDs")
            if base.filterIn[index].ids.isEmpty { return MaterializationAnswer(table: DataTable()) }
        }
        // Every combination of batches, first filter slowest.
        var pending: [MaterializationQuery] = [base]
        for index in base.filterIn.indices {
            pending = pending.flatMap { query in
                stride(from: 0, to: query.filterIn[index].ids.count, by: batchSize).map { start in
                    query.with(ids: Array(query.filterIn[index].ids[start..<min(start + batchSize, query.filterIn[index].ids.count)]), forFilter: index)
                }
            }
        }
        var parts: [DataTable] = []
        var warnings: [String] = []
        var limited = false
        var rows = 0
        while !pending.isEmpty {
            try Task.checkCancellation()
            let next = pending.removeFirst()
            let answer = try await self.query(next, at: point, format: format)
            for warning in answer.warnings where !warnings.contains(warning) { warnings.append(warning) }
            if answer.limited, let widest = next.filterIn.indices.max(by: { next.filterIn[$0].ids.count < next.filterIn[$1].ids.count }),
               next.filterIn[widest].ids.count > 1 {
                let ids = next.filterIn[widest].ids, half = ids.count / 2
                pending.insert(contentsOf: [next.with(ids: Array(ids[..<half]), forFilter: widest),
                                            next.with(ids: Array(ids[half...]), forFilter: widest)], at: 0)
                continue
            }
            if answer.limited {
                limited = true
                let which = next.filterIn.map { "\($0.column) \($0.ids.first.map { String($0.rawValue) } ?? "(no IDs)")" }.joined(separator: " and ")
                warnings.append("the server limited the rows of \(which.isEmpty ? "the query" : which) to \(NumberFormat.grouped(answer.table.rowCount)); rows are missing")
            }
            rows += answer.table.rowCount
            guard rows <= CaveLimits.maxQueryRows else {
                throw ConnectomeError.outOfRange("a query of table \(query.table)", field: "the rows", value: "more than \(NumberFormat.grouped(CaveLimits.maxQueryRows))",
                                                 allowed: "at most \(NumberFormat.grouped(CaveLimits.maxQueryRows)) in one command")
            }
            if answer.table.rowCount > 0 { parts.append(answer.table) }
        }
        return MaterializationAnswer(table: try Self.joined(parts), limited: limited, warnings: warnings)
    }

    /// The parts one after another, their column types made alike first (an all-null column of one
    /// part takes the type of the others; integers meet floats as floats).
    static func joined(_ parts: [DataTable]) throws(ConnectomeError) -> DataTable {
        guard parts.count > 1 else { return parts.first ?? DataTable() }
        var unified = parts
        for column in parts[0].columnNames {
            let datas = parts.map { $0.column(column)?.data }
            let types = datas.compactMap { data in data.flatMap { $0.storage.nullCount == $0.count ? nil : $0.type } }
            guard let target = types.contains(.double) && types.allSatisfy({ $0.isNumeric }) ? .double : types.first else { continue }
            for (position, data) in datas.enumerated() {
                guard let data, data.type != target else { continue }
                let converted: ColumnData
                if data.storage.nullCount == data.count {
                    converted = ColumnData.nulls(target, count: data.count)
                } else if target == .double, let doubles = data.asDoubles() {
                    converted = doubles
                } else {
                    continue  // concatenating says which column differs
                }
                unified[position] = try unified[position].setting(DataColumn(column, converted))
            }
        }
        return try DataTable.concatenating(unified)
    }
}

extension ColumnData {
    /// An integer column as float64 (nil for other types).
    func asDoubles() -> ColumnData? {
        switch self {
        case .int64(let c): return .double(ScalarColumn(values: c.values.map(Double.init), validity: c.validity))
        case .uint64(let c): return .double(ScalarColumn(values: c.values.map(Double.init), validity: c.validity))
        case .double: return self
        default: return nil
        }
    }
}
