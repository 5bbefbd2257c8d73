import Foundation
import JSONModel

/// One answer of Seatable's SQL endpoint: the columns it describes and its rows.
///
/// `{"success": true, "metadata": [{key, name, type, data}], "results": [{<name or key>: value, "_id": …}]}`
/// (Seatable API reference, "Query SeaTable with SQL"). Rows are keyed by column name when the
/// query asked `convert_keys`, by column key otherwise; single- and multiple-select cells may hold
/// option IDs, which `data.options` names. `success: false` is an error with Seatable's message.
public struct SeatableQueryResult: Sendable {
    public struct Column: Sendable, Equatable {
        public var key: String
        public var name: String
        /// Seatable's column type: text, number, checkbox, single-select, multiple-select, date, link, …
        public var type: String
        /// Select option ID → option name.
        public var options: [String: String]
    }

    /// The rows as columns of cells: one per key any row has, in the order keys first appear.
    public struct Rows: Sendable {
        public var keys: [String] = []
        /// Per key, a cell for every row: `.null` where that row has no such key (as a missing
        /// member reads), so a column is there exactly when some row has its key.
        public var cells: [[JSONValue]] = []
        public var count = 0

        public init() {}

        /// Rows given as objects (keys in the order they first appear, each object's in sorted order).
        public init(_ objects: [[String: JSONValue]]) {
            var index: [String: Int] = [:]
            for (row, object) in objects.enumerated() {
                for key in object.keys.sorted() where index[key] == nil {
                    index[key] = keys.count
                    keys.append(key)
                    cells.append([JSONValue](repeating: .null, count: row))
                }
                for (key, value) in object { cells[index[key]!].append(value) }
                for column in cells.indices where cells[column].count == row { cells[column].append(.null) }
            }
            count = objects.count
        }

        /// The cells under `key`, nil when no row has it.
        public func cells(forKey key: String) -> [JSONValue]? {
            keys.firstIndex(of: key).map { cells[$0] }
        }

        /// Whether some row has `key` (with any value, null included).
        public func has(_ key: String) -> Bool { keys.contains(key) }
    }

    public var columns: [Column]
    public var rows: Rows

    public init(columns: [Column], rows: Rows) {
        self.columns = columns
        self.rows = rows
    }

    public init(columns: [Column], rows: [[String: JSONValue]]) {
        self.init(columns: columns, rows: Rows(rows))
    }

    /// The column called `name` (or whose key is `name`).
    public func column(_ name: String) -> Column? {
        columns.first { $0.name == name } ?? columns.first { $0.key == name }
    }

    /// Decodes an answer of at most `maxRows` rows; `source` names the request in messages.
    ///
    /// The rows of an answer of the usual shape are read straight into columns
    /// (`SeatableAnswerParser`); any other answer the plain way, which words what is wrong with it.
    public static func decode(_ data: Data, maxRows: Int, source: String) throws(ConnectomeError) -> SeatableQueryResult {
        if let (members, rows) = SeatableAnswerParser.parse(data, maxRows: maxRows) {
            return try decode(members, rows: rows, maxRows: maxRows, source: source)
        }
        return try decodePlainly(data, maxRows: maxRows, source: source)
    }

    /// `decode` through one `JSONValue` of the whole answer (the reference the tests hold the column reader to).
    static func decodePlainly(_ data: Data, maxRows: Int, source: String) throws(ConnectomeError) -> SeatableQueryResult {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw ConnectomeError.data("\(source) is not JSON (\(error))", hint: "The server did not answer as Seatable's SQL API does")
        }
        guard let object = json.objectValue else { throw ConnectomeError.data("\(source) is not a JSON object") }
        return try decode(object, rows: nil, maxRows: maxRows, source: source)
    }

    /// The answer's checks and columns; its rows from `rows` when read already, else from `object["results"]`.
    private static func decode(_ object: [String: JSONValue], rows parsed: Rows?, maxRows: Int,
                               source: String) throws(ConnectomeError) -> SeatableQueryResult {
        guard object["success"]?.boolValue == true else {
            let message = SeatableClient.clean(object["error_message"]?.stringValue ?? object["error_msg"]?.stringValue) ?? "no message"
            throw ConnectomeError.argument("Seatable refused the query (\(source)): \(message)",
                                           hint: "Check the table and column names of the dataset's annotation table")
        }
        guard let metadata = object["metadata"]?.arrayValue else {
            throw ConnectomeError.data("\(source) has no metadata list", hint: "The server did not answer as Seatable's SQL API does")
        }
        var columns: [Column] = []
        for (index, entry) in metadata.enumerated() {
            guard let key = entry["key"]?.stringValue, let name = entry["name"]?.stringValue, let type = entry["type"]?.stringValue,
                  !name.isEmpty, name.utf8.count <= 1000, key.utf8.count <= 1000, type.utf8.count <= 100 else {
                throw ConnectomeError.data("\(source): metadata[\(index)] is not a column {key, name, type} with names of at most 1000 bytes")
            }
            var options: [String: String] = [:]
            if let list = entry["data"]?["options"]?.arrayValue {
                for option in list {
                    if let id = option["id"]?.stringValue, let name = option["name"]?.stringValue { options[id] = name }
                }
            }
            columns.append(Column(key: key, name: name, type: type, options: options))
        }
        if let parsed { return SeatableQueryResult(columns: columns, rows: parsed) }
        guard let results = object["results"]?.arrayValue else {
            throw ConnectomeError.data("\(source) has no results list", hint: "The server did not answer as Seatable's SQL API does")
        }
        guard results.count <= maxRows else {
            throw ConnectomeError.outOfRange(source, field: "results", value: "\(results.count) rows",
                                             allowed: "at most \(maxRows), the LIMIT asked")
        }
        var rows: [[String: JSONValue]] = []
        rows.reserveCapacity(results.count)
        for (index, result) in results.enumerated() {
            guard let row = result.objectValue else {
                throw ConnectomeError.data("\(source): results[\(index)] is \(result.text().prefix(60)), not a row object")
            }
            rows.append(row)
        }
        return SeatableQueryResult(columns: columns, rows: rows)
    }
}
