/// Tables one after the other: record batches of one Arrow file, pages of a paged query.
extension DataTable {
    /// The rows of `tables` in order. Every table must have the first table's columns (by name, in
    /// any order) with the same types; tables with no columns are skipped.
    public static func concatenating(_ tables: [DataTable]) throws(ConnectomeError) -> DataTable {
        let tables = tables.filter { !$0.columns.isEmpty }
        guard let first = tables.first else { return DataTable() }
        if tables.count == 1 { return first }
        var columns: [DataColumn] = []
        for column in first.columns {
            var parts: [ColumnData] = []
            for (position, table) in tables.enumerated() {
                guard let other = table.column(column.name) else {
                    throw ConnectomeError.argument("table \(position + 1) of \(tables.count) has no column '\(column.name)'",
                                                   hint: "concatenate tables with the same columns")
                }
                guard other.type == column.type else {
                    throw ConnectomeError.argument(
                        "column '\(column.name)' is \(column.type) in the first table but \(other.type) in table \(position + 1)",
                        hint: "concatenate tables whose columns have the same types")
                }
                parts.append(other.data)
            }
            for (position, table) in tables.enumerated() where table.columnCount != first.columnCount {
                let extra = table.columnNames.filter { first.columnIndex($0) == nil }
                throw ConnectomeError.argument("table \(position + 1) of \(tables.count) has columns the first lacks: \(extra.joined(separator: ", "))",
                                               hint: "concatenate tables with the same columns")
            }
            columns.append(DataColumn(column.name, concatenate(parts)))
        }
        return DataTable(uncheckedColumns: columns, rowCount: tables.reduce(0) { $0 + $1.rowCount })
    }

    /// Parts of one type (checked by the caller).
    static func concatenate(_ parts: [ColumnData]) -> ColumnData {
        guard let first = parts.first else { return .string(StringColumn([])) }
        if parts.count == 1 { return first }
        func all<T>(_ extract: (ColumnData) -> T?) -> [T] { parts.compactMap(extract) }
        switch first {
        case .uint64: return .uint64(.concatenating(all { if case .uint64(let c) = $0 { c } else { nil } }))
        case .int64: return .int64(.concatenating(all { if case .int64(let c) = $0 { c } else { nil } }))
        case .double: return .double(.concatenating(all { if case .double(let c) = $0 { c } else { nil } }))
        case .bool: return .bool(.concatenating(all { if case .bool(let c) = $0 { c } else { nil } }))
        case .timestamp(_, let unit, let zone):
            return .timestamp(.concatenating(all { if case .timestamp(let c, _, _) = $0 { c } else { nil } }), unit, timeZone: zone)
        case .string: return .string(.concatenating(all { if case .string(let c) = $0 { c } else { nil } }))
        case .stringList: return .stringList(.concatenating(all { if case .stringList(let c) = $0 { c } else { nil } }))
        case .vector: return .vector(.concatenating(all { if case .vector(let c) = $0 { c } else { nil } }))
        case .intVector: return .intVector(.concatenating(all { if case .intVector(let c) = $0 { c } else { nil } }))
        }
    }
}
