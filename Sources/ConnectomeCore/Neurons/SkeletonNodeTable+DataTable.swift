/// A skeleton's nodes as a table, so that `nodes` pipes into `where`, `sort` and `save` like any other.
extension SkeletonNodeTable {
    public var dataTable: DataTable {
        let radiusColumn: ColumnData = radius.map { .double(ScalarColumn(values: $0)) } ?? .nulls(.double, count: rowCount)
        // The columns have one length by construction, so this cannot fail.
        return DataTable(uncheckedColumns: [
            DataColumn("node_id", .int64(ScalarColumn(values: nodeID.map(Int64.init)))),
            DataColumn("parent_id", .int64(ScalarColumn(values: parentID.map(Int64.init)))),
            DataColumn("x", .double(ScalarColumn(values: x))),
            DataColumn("y", .double(ScalarColumn(values: y))),
            DataColumn("z", .double(ScalarColumn(values: z))),
            DataColumn("radius", radiusColumn),
        ], rowCount: rowCount)
    }
}
