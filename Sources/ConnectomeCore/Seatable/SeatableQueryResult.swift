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

    public var columns: [Column]
    public var rows: [[String: JSONValue]]

    public init(columns: [Column], rows: [[String: JSONValue]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The column called `name` (or whose key is `name`).
    public func column(_ name: String) -> Column? {
        columns.first { $0.name == name } ?? columns.first { $0.key == name }
    }

    /// The cell of `column` in `row`: under its name, else under its key.
    func cell(_ row: [String: JSONValue], _ column: Column) -> JSONValue {
        row[column.name] ?? row[column.key] ?? .null
    }

    /// Decodes an answer of at most `maxRows` rows; `source` names the request in messages.
    public static func decode(_ data: Data, maxRows: Int, source: String) throws(ConnectomeError) -> SeatableQueryResult {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw ConnectomeError.data("\(source) is not JSON (\(error))", hint: "The server did not answer as Seatable's SQL API does")
        }
        guard let object = json.objectValue else { throw ConnectomeError.data("\(source) is not a JSON object") }
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
