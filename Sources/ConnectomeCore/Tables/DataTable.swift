/// A typed, columnar table: annotation tables, synapses, connections, query results.
///
/// Each column is one contiguous typed array with a null bitmap (see `ColumnData`), so ten
/// million synapse rows cost their bytes and no more, and filter, gather and sort run over
/// plain arrays. Tables are values: every operation returns a new table and shares nothing mutable.
/// Column names are unique; every column has `rowCount` rows.
public struct DataTable: Sendable, Equatable {
    public private(set) var columns: [DataColumn]
    public private(set) var rowCount: Int

    /// An empty table with no columns.
    public init() {
        columns = []
        rowCount = 0
    }

    /// Checks that the columns have one length and distinct names.
    public init(columns: [DataColumn]) throws(ConnectomeError) {
        let count = columns.first?.count ?? 0
        var seen = Set<String>()
        for column in columns {
            guard column.count == count else {
                throw ConnectomeError.argument(
                    "column '\(column.name)' has \(column.count) rows but '\(columns[0].name)' has \(count)",
                    hint: "every column of a table must have the same number of rows")
            }
            guard seen.insert(column.name).inserted else {
                throw ConnectomeError.argument("the column name '\(column.name)' appears twice",
                                               hint: "give each column its own name")
            }
        }
        self.columns = columns
        self.rowCount = count
    }

    /// For operations that keep the invariants by construction.
    init(uncheckedColumns columns: [DataColumn], rowCount: Int) {
        self.columns = columns
        self.rowCount = rowCount
    }

    public var columnNames: [String] { columns.map(\.name) }
    public var columnCount: Int { columns.count }
    public var isEmpty: Bool { rowCount == 0 }

    public func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }

    public func column(_ name: String) -> DataColumn? { columnIndex(name).map { columns[$0] } }

    /// The column `name`, or an error that lists the columns and suggests the nearest.
    public func requireColumn(_ name: String) throws(ConnectomeError) -> DataColumn {
        guard let column = column(name) else { throw missingColumn(name) }
        return column
    }

    public subscript(row row: Int, column column: Int) -> TableCell { columns[column].data.cell(row) }

    public subscript(row row: Int, column name: String) -> TableCell? {
        columnIndex(name).map { columns[$0].data.cell(row) }
    }

    /// The table with `column` added at the end, or replacing the column of the same name in place.
    public func setting(_ column: DataColumn) throws(ConnectomeError) -> DataTable {
        guard columns.isEmpty || column.count == rowCount else {
            throw ConnectomeError.argument("column '\(column.name)' has \(column.count) rows but the table has \(rowCount)",
                                           hint: "a new column needs one value per row")
        }
        var result = self
        if let index = columnIndex(column.name) { result.columns[index] = column } else { result.columns.append(column) }
        result.rowCount = column.count
        return result
    }

    /// The table without the columns `names` (names not present are ignored).
    public func removing(_ names: [String]) -> DataTable {
        let drop = Set(names)
        let kept = columns.filter { !drop.contains($0.name) }
        return DataTable(uncheckedColumns: kept, rowCount: kept.isEmpty ? 0 : rowCount)
    }

    /// The table with column `old` named `new`.
    public func renaming(_ old: String, to new: String) throws(ConnectomeError) -> DataTable {
        guard let index = columnIndex(old) else { throw missingColumn(old) }
        if old == new { return self }
        guard columnIndex(new) == nil else {
            throw ConnectomeError.argument("cannot rename '\(old)' to '\(new)': the table already has a column '\(new)'")
        }
        var result = self
        result.columns[index].name = new
        return result
    }

    /// The error for a column the table does not have: its columns, and the nearest names.
    public func missingColumn(_ name: String) -> ConnectomeError {
        let suggestions = NameSuggestion.nearest(to: name, in: columnNames)
        let hint = suggestions.isEmpty ? "" : "did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))?"
        return ConnectomeError.argument(
            "the table has no column '\(name)'; its columns are \(columnNames.map { "'\($0)'" }.joined(separator: ", "))",
            hint: hint)
    }
}

/// The names nearest to a misspelt one: those containing it (or contained in it), case-insensitively,
/// else those within a small edit distance.
public enum NameSuggestion {
    public static func nearest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        let key = name.lowercased()
        guard !key.isEmpty else { return [] }
        let containing = candidates.filter {
            let candidate = $0.lowercased()
            return candidate.contains(key) || (key.count >= 3 && key.contains(candidate) && candidate.count >= 3)
        }
        if !containing.isEmpty { return Array(containing.prefix(limit)) }
        let allowed = max(2, key.count / 3)
        let scored = candidates.map { ($0, editDistance(key, $0.lowercased())) }.filter { $0.1 <= allowed }
        return Array(scored.sorted { $0.1 < $1.1 }.prefix(limit).map(\.0))
    }
}
