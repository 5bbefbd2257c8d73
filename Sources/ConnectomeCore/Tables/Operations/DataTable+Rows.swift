/// Row and column selection: the building blocks of `where`, `head`, `select` and lookups.
extension DataTable {
    /// Rows `indices` in that order (repeats allowed). Each index must be in `0..<rowCount`.
    public func taking(rows indices: [Int]) -> DataTable {
        precondition(indices.allSatisfy { $0 >= 0 && $0 < rowCount }, "row index out of range")
        let gathered = Self.mapColumns(columns, rows: indices.count) { $0.gathering(indices) }
        return DataTable(uncheckedColumns: gathered, rowCount: indices.count)
    }

    /// The rows the mask selects, in table order.
    public func filtered(by mask: RowMask) -> DataTable {
        precondition(mask.count == rowCount, "a mask of \(mask.count) rows for a table of \(rowCount)")
        if mask.selectedCount == rowCount { return self }
        return taking(rows: mask.selectedRows)
    }

    /// The first `n` rows (all when there are fewer; none for n ≤ 0).
    public func head(_ n: Int) -> DataTable {
        if n >= rowCount { return self }
        return taking(rows: Array(0..<max(0, n)))
    }

    /// The last `n` rows.
    public func tail(_ n: Int) -> DataTable {
        if n >= rowCount { return self }
        return taking(rows: Array(max(0, rowCount - n)..<rowCount))
    }

    /// The columns `names` in that order; a name the table lacks is an error naming the columns.
    public func selecting(_ names: [String]) throws(ConnectomeError) -> DataTable {
        var selected: [DataColumn] = []
        var seen = Set<String>()
        for name in names {
            guard let column = column(name) else { throw missingColumn(name) }
            guard seen.insert(name).inserted else {
                throw ConnectomeError.argument("the column '\(name)' is selected twice", hint: "name each column once")
            }
            selected.append(column)
        }
        return DataTable(uncheckedColumns: selected, rowCount: selected.isEmpty ? 0 : rowCount)
    }

    /// Applies `transform` to every column, in parallel when there are enough rows to gain from it.
    static func mapColumns(_ columns: [DataColumn], rows: Int,
                           _ transform: @Sendable (ColumnData) -> ColumnData) -> [DataColumn] {
        ParallelWork.map(columns, minimumItemsForParallel: rows >= 50_000 ? 2 : Int.max) {
            DataColumn($0.name, transform($0.data))
        }
    }
}
