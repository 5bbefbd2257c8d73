import Foundation
import JSONModel

/// One query of a materialization table, with the request body and query string CAVEclient 8
/// sends for it (`query_table` for a version, `live_live_query` for a timestamp).
///
/// Each filter is `{table: {column: value}}` and the server ANDs them all. Not-in filters are not
/// offered: the server's schema accepts `filter_notin_dict` but its query code reads another key,
/// so exclusion is done by the caller on the rows (neurons.md §5.2).
public struct MaterializationQuery: Sendable, Equatable {
    /// `column IN (ids)`.
    public struct IDFilter: Sendable, Equatable {
        public var column: String
        public var ids: [SegmentID]
        public init(column: String, ids: [SegmentID]) {
            self.column = column
            self.ids = ids
        }
    }

    /// `column >= value` (`filter_greater_equal_dict`) or `column <= value` (`filter_less_equal_dict`).
    public struct Bound: Sendable, Equatable {
        public var column: String
        public var value: Double
        public init(column: String, value: Double) {
            self.column = column
            self.value = value
        }
    }

    public var table: String
    public var filterIn: [IDFilter]
    public var atLeast: [Bound]
    public var atMost: [Bound]
    /// Columns to return; nil = all.
    public var selectColumns: [String]?

    public init(table: String, filterIn: [IDFilter] = [], atLeast: [Bound] = [], atMost: [Bound] = [],
                selectColumns: [String]? = nil) {
        self.table = table
        self.filterIn = filterIn
        self.atLeast = atLeast
        self.atMost = atMost
        self.selectColumns = selectColumns
    }

    /// Table and column names go into URLs and JSON as they are: letters, digits, `_`, `-`, `.`.
    public static func checkName(_ name: String, what: String) throws(ConnectomeError) {
        guard !name.isEmpty, name.utf8.count <= 200,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) else {
            throw ConnectomeError.argument("\(what) \"\(name.prefix(60))\" is not a table or column name (letters, digits, _ - .)")
        }
    }

    /// The JSON body: the frozen query's, or the live query's (which adds `table` and `timestamp`
    /// and gives `select_columns` per table).
    public func body(liveAt timestamp: Date? = nil) -> Data {
        var parts: [String] = []
        let table = Self.quoted(self.table)
        if let timestamp {
            parts.append("\"table\":" + table)
            parts.append("\"timestamp\":" + Self.quoted(Self.pythonISO(timestamp)))
        }
        if !filterIn.isEmpty {
            let columns = filterIn.map { filter in
                Self.quoted(filter.column) + ":[" + filter.ids.map { String($0.rawValue) }.joined(separator: ",") + "]"
            }
            parts.append("\"filter_in_dict\":{\(table):{\(columns.joined(separator: ","))}}")
        }
        for (key, bounds) in [("filter_greater_equal_dict", atLeast), ("filter_less_equal_dict", atMost)] where !bounds.isEmpty {
            let columns = bounds.map { Self.quoted($0.column) + ":" + Self.number($0.value) }
            parts.append("\"\(key)\":{\(table):{\(columns.joined(separator: ","))}}")
        }
        if let selectColumns {
            let list = "[" + selectColumns.map(Self.quoted).joined(separator: ",") + "]"
            parts.append("\"select_columns\":" + (timestamp == nil ? list : "{\(table):\(list)}"))
        }
        return Data(("{" + parts.joined(separator: ",") + "}").utf8)
    }

    /// The query string of a frozen (`live == false`) or live query in `format`, as CAVEclient writes it.
    public static func queryString(format: MaterializationFormat, live: Bool) -> String {
        let arrow = format.isArrow ? "True" : "False"
        var items = ["return_pyarrow=\(arrow)", "arrow_format=\(arrow)"]
        if live {
            items += ["merge_reference=False", "allow_missing_lookups=False", "allow_invalid_root_ids=False"]
        } else {
            items.append("split_positions=True")
        }
        items.append("direct_sql_pandas=True")
        return items.joined(separator: "&")
    }

    /// The query with the IDs of filter `index` replaced by `ids`.
    func with(ids: [SegmentID], forFilter index: Int) -> MaterializationQuery {
        var copy = self
        copy.filterIn[index].ids = ids
        return copy
    }

    static func quoted(_ text: String) -> String { JSONValue.string(text).text() }

    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return JSONValue.double(value).text()
    }

    /// Python's `datetime.isoformat()` of an aware UTC datetime, which CAVEclient's encoder sends:
    /// `2025-06-15T15:05:00+00:00`, with `.ffffff` when there are microseconds.
    static func pythonISO(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = seconds.rounded(.down)
        var micros = Int(((seconds - whole) * 1_000_000).rounded())
        if micros >= 1_000_000 { whole += 1; micros -= 1_000_000 }
        let day = Int((whole / 86_400).rounded(.down))
        let secondOfDay = Int(whole) - day * 86_400
        let (year, month, dayOfMonth) = civil(fromDays: day)
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, dayOfMonth,
                          secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
        if micros != 0 { text += String(format: ".%06d", micros) }
        return text + "+00:00"
    }

    /// Year, month and day of a day count since 1970-01-01 (H. Hinnant's algorithm).
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// How materialization answers are asked for: Arrow IPC with ZSTD, LZ4 or no buffer compression,
/// or JSON rows. The server picks the buffer codec from `Accept-Encoding` (neurons.md §5.3) and
/// gzips the whole body when `gzip` is in it.
public enum MaterializationFormat: String, Sendable, CaseIterable {
    /// Arrow with ZSTD buffers, what CAVEclient asks for (`Accept-Encoding: zstd`).
    case arrow
    /// Arrow with LZ4-frame buffers (`Accept-Encoding: lz4`).
    case arrowLZ4 = "arrow_lz4"
    /// Arrow without buffer compression, gzip-compressed as a whole (`Accept-Encoding: gzip`).
    case arrowUncompressed = "arrow_uncompressed"
    /// JSON rows, gzip-compressed (`Accept-Encoding: gzip`), as CAVEclient's `return_df=False`.
    case json

    public var isArrow: Bool { self != .json }

    public var acceptEncoding: String {
        switch self {
        case .arrow: return "zstd"
        case .arrowLZ4: return "lz4"
        case .arrowUncompressed, .json: return "gzip"
        }
    }
}

/// Which state of a table a query reads: a materialized version, or the live table at an instant.
public enum MaterializationPoint: Sendable, Equatable {
    case version(Int)
    case live(Date)
}

/// Rows a materialization query answered, and whether the server cut them at its row limit.
public struct MaterializationAnswer: Sendable {
    public var table: DataTable
    /// The server said it limited the rows (`Warning: 201 - "Limited query to <n> rows`), or sent
    /// exactly `CaveLimits.materializationRowLimit` rows.
    public var limited: Bool
    /// The server's other `Warning` headers, one line each.
    public var warnings: [String]

    public init(table: DataTable, limited: Bool = false, warnings: [String] = []) {
        self.table = table
        self.limited = limited
        self.warnings = warnings
    }
}
