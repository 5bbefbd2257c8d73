/// Counting and summing per key: synapses per (pre, post) pair for `partners` and `adjacency`.
extension DataTable {
    /// One row per distinct key of the columns `keys` (one or two ID/integer columns), in order of
    /// first appearance, with the number of rows of that key in column `countName` (int64).
    /// Rows with a null key are left out, as pandas' `groupby` does.
    public func groupCount(by keys: [String], countName: String = "count") throws(ConnectomeError) -> DataTable {
        let groups = try groupRows(by: keys)
        var counts = [Int64](repeating: 0, count: groups.firstRows.count)
        for entry in groups.entryOfRow where entry >= 0 { counts[entry] += 1 }
        return try groups.table(self, keys: keys, adding: DataColumn(countName, .int64(ScalarColumn(values: counts))))
    }

    /// As `groupCount`, but the sum of column `value` per key (null values skipped), named `sumName`
    /// (default: the value column's name). Integer sums that overflow are an error.
    public func groupSum(by keys: [String], summing value: String, as sumName: String? = nil) throws(ConnectomeError) -> DataTable {
        let groups = try groupRows(by: keys)
        let column = try requireColumn(value)
        let name = sumName ?? value
        let entries = groups.entryOfRow
        let overflow = ConnectomeError.data("the sum of '\(value)' per \(keys.joined(separator: ", ")) overflows 64 bits",
                                            hint: "check the column's values")
        let sums: ColumnData
        switch column.data {
        case .int64(let values):
            var totals = [Int64](repeating: 0, count: groups.firstRows.count)
            for row in 0..<rowCount where entries[row] >= 0 && !values.isNull(row) {
                let (sum, overflowed) = totals[entries[row]].addingReportingOverflow(values.values[row])
                if overflowed { throw overflow }
                totals[entries[row]] = sum
            }
            sums = .int64(ScalarColumn(values: totals))
        case .uint64(let values):
            var totals = [UInt64](repeating: 0, count: groups.firstRows.count)
            for row in 0..<rowCount where entries[row] >= 0 && !values.isNull(row) {
                let (sum, overflowed) = totals[entries[row]].addingReportingOverflow(values.values[row])
                if overflowed { throw overflow }
                totals[entries[row]] = sum
            }
            sums = .uint64(ScalarColumn(values: totals))
        case .double(let values):
            var totals = [Double](repeating: 0, count: groups.firstRows.count)
            for row in 0..<rowCount where entries[row] >= 0 && !column.data.isNull(row) {
                totals[entries[row]] += values.values[row]
            }
            sums = .double(ScalarColumn(values: totals))
        case .bool(let values):
            var totals = [Int64](repeating: 0, count: groups.firstRows.count)
            for row in 0..<rowCount where entries[row] >= 0 && !values.isNull(row) && values.values[row] {
                totals[entries[row]] += 1
            }
            sums = .int64(ScalarColumn(values: totals))
        default:
            throw ConnectomeError.argument("cannot sum column '\(value)': it holds \(column.type) values",
                                           hint: "sum a numeric column")
        }
        return try groups.table(self, keys: keys, adding: DataColumn(name, sums))
    }

    /// The group of every row (-1 for a null key) and the first row of every group.
    func groupRows(by keys: [String]) throws(ConnectomeError) -> Groups {
        guard keys.count == 1 || keys.count == 2 else {
            throw ConnectomeError.argument("group by one or two columns, not \(keys.count)")
        }
        var entryOfRow = [Int](repeating: -1, count: rowCount)
        var firstRows: [Int] = []
        if keys.count == 1 {
            let column = try idKeys(keys[0])
            var map = FastHashMap<UInt64>(capacity: min(rowCount, 1 << 16))
            for row in 0..<rowCount {
                guard let key = column.key(row) else { continue }
                let (entry, inserted) = map.insert(key)
                if inserted { firstRows.append(row) }
                entryOfRow[row] = entry
            }
        } else {
            guard keys[0] != keys[1] else { throw ConnectomeError.argument("group by two different columns, not '\(keys[0])' twice") }
            let first = try idKeys(keys[0]), second = try idKeys(keys[1])
            var map = FastHashMap<IDPair>(capacity: min(rowCount, 1 << 16))
            for row in 0..<rowCount {
                guard let a = first.key(row), let b = second.key(row) else { continue }
                let (entry, inserted) = map.insert(IDPair(first: a, second: b))
                if inserted { firstRows.append(row) }
                entryOfRow[row] = entry
            }
        }
        return Groups(entryOfRow: entryOfRow, firstRows: firstRows)
    }

    struct Groups {
        var entryOfRow: [Int]
        var firstRows: [Int]

        /// The key columns at each group's first row, then `column`.
        func table(_ source: DataTable, keys: [String], adding column: DataColumn) throws(ConnectomeError) -> DataTable {
            var columns = try source.selecting(keys).taking(rows: firstRows).columns
            columns.append(column)
            return try DataTable(columns: columns)
        }
    }
}
