import Foundation
import JSONModel
import Synchronization

/// Reads a Seatable table through Seatable's API: account token → base token → access token → SQL.
///
/// The login chain is seatable-api's (`Account.get_base`, `SeaTableAPI.auth`): the account
/// (user-level) token gets a base API token (`temp-api-token`), which gets an access token and the
/// base's UUID (`app-access-token`); SQL goes to the API gateway, or to `dtable-db` when the server
/// says it has no gateway. Each token is sent with `Authorization: Token …` to the table's host
/// only (https, or plain http to this machine): an access-token answer naming another host for
/// `dtable_db` is refused. The access token is kept for later reads; when Seatable says it expired
/// (403 `Token expired.`) the client logs in again once and repeats the request.
///
/// `readAll` pages with `LIMIT 10000 OFFSET …` as crantpy does, until a page has fewer rows; any
/// page that fails fails the whole read (crantpy keeps the partial table), and a row seen twice
/// (the table changed between pages: SQL without ORDER BY has no stable order) makes it read again once.
public final class SeatableClient: Sendable {
    public let table: SeatableTable
    let transport: any HTTPTransport
    /// The account token and where it came from (for messages); nil when none is set.
    let accountToken: @Sendable () -> (token: String, origin: String)?
    private let session = Mutex<Session?>(nil)

    /// Rows per SQL page: Seatable's maximum for one SELECT (tests page smaller).
    public static let maximumPageSize = 10_000
    public let pageSize: Int
    /// Rows one read may take: a million (CRANT's table has about 6,000).
    public static let maxRows = 1_000_000
    /// Bytes of one answer: a page of 10,000 rows of 30 fields is a few MB.
    public static let maxAnswerBytes = 256 << 20
    /// Bytes of a token answer, and of a token.
    static let maxTokenAnswerBytes = 1 << 20
    static let maxTokenBytes = 4096

    struct Session: Sendable {
        var accessToken: String
        var dtableUUID: String
        /// Where SQL goes: the gateway's `…/sql`, or dtable-db's `…/query/{uuid}/`.
        var sqlURL: String
        var gateway: Bool
    }

    public init(table: SeatableTable, transport: any HTTPTransport,
                pageSize: Int = SeatableClient.maximumPageSize,
                accountToken: @escaping @Sendable () -> (token: String, origin: String)?) {
        precondition((1...Self.maximumPageSize).contains(pageSize), "a Seatable page holds 1 to 10,000 rows")
        self.pageSize = pageSize
        self.table = table
        self.transport = transport
        self.accountToken = accountToken
    }

    // MARK: - Reading

    /// Every row of the table, `fields` selected, as the annotation table.
    public func readAll(fields: [String]) async throws -> DataTable {
        var pages = try await readPages(fields: fields)
        if Self.firstRepeatedRow(pages) != nil {
            pages = try await readPages(fields: fields)
            if let duplicate = Self.firstRepeatedRow(pages) {
                throw ConnectomeError.data("\(table) changed while it was read: row \(duplicate) came on two pages twice in a row",
                                           hint: "Run the query again when the table is not being edited")
            }
        }
        return try AnnotationTableDecoder.table(pages, fields: fields, source: table.description)
    }

    /// The pages of `SELECT fields FROM table`, 10,000 rows each, until a shorter page.
    func readPages(fields: [String]) async throws -> [SeatableQueryResult] {
        let columns = fields.map { "`" + $0.replacingOccurrences(of: "`", with: "") + "`" }.joined(separator: ", ")
        var pages: [SeatableQueryResult] = []
        for page in 0..<(Self.maxRows + pageSize - 1) / pageSize {
            try Task.checkCancellation()
            let offset = page * pageSize
            let sql = "SELECT \(columns) FROM \(table.sqlName) LIMIT \(pageSize) OFFSET \(offset)"
            let result: SeatableQueryResult
            do {
                result = try await query(sql)
            } catch let error as ConnectomeError {
                throw ConnectomeError(error.kind,
                                      "page \(page + 1) of \(table) (rows \(offset + 1)–\(offset + pageSize)) failed, so no table is kept: \(error.message)",
                                      hint: error.hint)
            }
            pages.append(result)
            if result.rows.count < pageSize { return pages }
        }
        throw ConnectomeError.outOfRange(table.description, field: "its rows", value: "more than \(Self.maxRows)",
                                         allowed: "at most \(Self.maxRows) rows in one read")
    }

    /// A row `_id` that occurs twice across the pages, if any.
    static func firstRepeatedRow(_ pages: [SeatableQueryResult]) -> String? {
        var seen = Set<String>()
        for page in pages {
            for cell in page.rows.cells(forKey: "_id") ?? [] {
                if let id = cell.stringValue, !seen.insert(id).inserted { return id }
            }
        }
        return nil
    }

    /// One SQL query, logging in first if needed, and again once if the access token expired.
    public func query(_ sql: String) async throws -> SeatableQueryResult {
        var session = try await currentSession()
        let body = JSONValue.object(["sql": .string(sql), "convert_keys": .bool(true)]).serialized()
        for attempt in 1...2 {
            let request = HTTPRequest(method: .post, url: session.sqlURL,
                                      headers: ["Content-Type": "application/json", "Accept": "application/json"], body: body)
            do {
                let data = try await send(request, token: session.accessToken, step: .access)
                return try SeatableQueryResult.decode(data, maxRows: pageSize, source: "the SQL answer of \(table.host)")
            } catch SeatableRefusal.expired where attempt == 1 {
                self.session.withLock { $0 = nil }
                session = try await currentSession()
            }
        }
        throw SeatableAuthError.expired(table: table, step: .access)
    }

    // MARK: - Login

    func currentSession() async throws -> Session {
        if let session = session.withLock({ $0 }) { return session }
        guard let account = accountToken() else { throw SeatableAuthError.noToken(table: table) }
        try Self.validate(account.token, what: "the Seatable account token (\(account.origin))")
        let baseURL = "\(table.server)/api/v2.1/workspace/\(table.workspaceID)/dtable/"
            + (table.base.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? table.base) + "/temp-api-token/"
        let baseAnswer: Data
        do {
            baseAnswer = try await send(HTTPRequest(url: baseURL, headers: ["Accept": "application/json"]),
                                        token: account.token, step: .account, origin: account.origin)
        } catch SeatableRefusal.expired {
            throw SeatableAuthError.expired(table: table, step: .account, origin: account.origin)
        }
        let apiToken = try Self.string(baseAnswer, key: "api_token", source: "the base token answer of \(table.host)")
        try Self.validate(apiToken, what: "the base token from \(table.host)")
        let accessAnswer: Data
        do {
            accessAnswer = try await send(HTTPRequest(url: table.server + "/api/v2.1/dtable/app-access-token/", headers: ["Accept": "application/json"]),
                                          token: apiToken, step: .base)
        } catch SeatableRefusal.expired {
            throw SeatableAuthError.expired(table: table, step: .base)
        }
        let session = try decodeAccess(accessAnswer)
        self.session.withLock { $0 = session }
        return session
    }

    /// The `app-access-token` answer: the access token, the base UUID and where SQL goes.
    func decodeAccess(_ data: Data) throws(ConnectomeError) -> Session {
        let source = "the access token answer of \(table.host)"
        let token = try Self.string(data, key: "access_token", source: source)
        try Self.validate(token, what: "the access token from \(table.host)")
        let uuid = try Self.string(data, key: "dtable_uuid", source: source)
        guard (32...36).contains(uuid.utf8.count), uuid.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw ConnectomeError.data("\(source): dtable_uuid \"\(uuid.prefix(60))\" is not a UUID")
        }
        let json = try? JSONValue.parse(data)
        let gateway = json?["use_api_gateway"]?.boolValue ?? false
        if gateway {
            return Session(accessToken: token, dtableUUID: uuid, sqlURL: "\(table.server)/api-gateway/api/v2/dtables/\(uuid)/sql", gateway: true)
        }
        var db = try Self.string(data, key: "dtable_db", source: source)
        while db.hasSuffix("/") { db.removeLast() }
        guard CredentialScope.host(of: db) == table.host, let scheme = CredentialScope.scheme(of: db), ["http", "https"].contains(scheme),
              !db.contains("?"), !db.contains("#") else {
            throw ConnectomeError.data(
                "\(source): dtable_db \"\(db.prefix(120))\" is not on \(table.host), and the access token goes to no other host",
                hint: "Check the Seatable server given for the dataset")
        }
        return Session(accessToken: token, dtableUUID: uuid, sqlURL: "\(db)/api/v1/query/\(uuid)/", gateway: false)
    }

    // MARK: - Requests

    /// Which token a request carried, for messages.
    enum Step: String { case account = "account token", base = "base token", access = "access token" }

    /// Sends `request` with `Authorization: Token <token>` to the table's host only; the body of a 2xx answer.
    func send(_ request: HTTPRequest, token: String, step: Step, origin: String? = nil) async throws -> Data {
        guard CredentialScope.host(of: request.url) == table.host else {
            throw ConnectomeError.argument("the Seatable \(step.rawValue) is only sent to \(table.host), not to \(request.url.prefix(120))")
        }
        try CredentialScope.requireSecureChannel(request.url, for: "the Seatable \(step.rawValue)")
        var request = request
        request.headers["Authorization"] = "Token " + token
        let response = try await transport.send(request)
        let status = response.status
        switch status {
        case 200..<300:
            let limit = step == .access ? Self.maxAnswerBytes : Self.maxTokenAnswerBytes
            guard response.body.count <= limit else {
                throw ConnectomeError.outOfRange("the answer of \(table.host)", field: "the body", value: "\(response.body.count) bytes",
                                                 allowed: "at most \(DataLimits.describe(bytes: limit))")
            }
            return response.body
        case 401, 403:
            if Self.isExpired(response.body), status == 403 { throw SeatableRefusal.expired }
            throw SeatableAuthError.refused(table: table, step: step, status: status, message: Self.serverMessage(response.body), origin: origin)
        case 404:
            throw ConnectomeError.argument(
                "\(table.host) answered 404 for the \(step == .account ? "base token of base \(table.base) in workspace \(table.workspaceID)" : "request") at \(request.url.prefix(160))\(Self.serverMessage(response.body).map { ": " + $0 } ?? "")",
                hint: step == .account ? "Check the workspace and base, and that the token's account can open the base" : "Check the Seatable server given for the dataset")
        case 400..<500:
            throw ConnectomeError.argument("\(table.host) refused the request (\(status))\(Self.serverMessage(response.body).map { ": " + $0 } ?? "")",
                                           hint: "Check the table and column names of the dataset's annotation table")
        default:
            throw ConnectomeError.network("\(table.host) answered \(status) for \(request.url.prefix(160))\(Self.serverMessage(response.body).map { ": " + $0 } ?? "")",
                                          hint: "Seatable may be down or overloaded; try again later")
        }
    }

    /// 403 `{"error_msg": "Token expired."}`: seatable-api's `AuthExpiredError`.
    static func isExpired(_ body: Data) -> Bool {
        guard body.count <= 1 << 16, let json = try? JSONValue.parse(body) else { return false }
        return json["error_msg"]?.stringValue == "Token expired."
    }

    /// Seatable's message in an error body (`error_msg`, `detail`, `error_message`), fit for a message.
    static func serverMessage(_ body: Data) -> String? {
        guard body.count <= 1 << 20, let json = try? JSONValue.parse(body) else { return nil }
        return clean(json["error_msg"]?.stringValue ?? json["detail"]?.stringValue ?? json["error_message"]?.stringValue)
    }

    /// One line of at most 300 printable characters.
    static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let printable = String(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(300).map(Character.init))
        return printable.isEmpty ? nil : printable
    }

    static func string(_ data: Data, key: String, source: String) throws(ConnectomeError) -> String {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw ConnectomeError.data("\(source) is not JSON (\(error))", hint: "Check the Seatable server given for the dataset")
        }
        guard let value = json[key]?.stringValue, !value.isEmpty else {
            throw ConnectomeError.data("\(source) has no \(key)", hint: "Check the Seatable server given for the dataset")
        }
        return value
    }

    /// A token becomes a header value: one line of visible ASCII, at most 4096 bytes.
    public static func validate(_ token: String, what: String) throws(ConnectomeError) {
        guard !token.isEmpty, token.utf8.count <= maxTokenBytes, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ConnectomeError.argument("\(what) is not a token: tokens are 1 to \(maxTokenBytes) visible ASCII characters without spaces",
                                           hint: "Paste only the token itself")
        }
    }
}

/// A 403 `Token expired.`, which the client answers by logging in again.
enum SeatableRefusal: Error { case expired }
