import CommandLanguage
import ConnectomeCore

/// `info neurons` / `info synapses`: where a dataset's table comes from, its shape and its columns.
enum NeuronInfo {
    enum Kind { case neurons, synapses }

    static func table(_ kind: Kind, source: any NeuronSource) async throws -> DataTableValue {
        let table: DataTable
        var notes: [String] = []
        switch kind {
        case .neurons:
            table = try await source.annotations()
            notes.append("from \(source.annotationOrigin ?? "?")")
            notes.append("IDs in '\(table.idColumnName ?? "(none)")'; filter with neurons FIELD=VALUE")
        case .synapses:
            let synapses = try await source.synapses(.touching([]))
            table = synapses.table
            notes.append("from \(source.synapseOrigin ?? "?")")
            notes.append(synapses.summary)
        }
        let columns = try DataTable(columns: [
            DataColumn("column", .string(StringColumn(table.columns.map(\.name)))),
            DataColumn("type", .string(StringColumn(table.columns.map { $0.type.description }))),
            DataColumn("nulls", .int64(ScalarColumn(values: table.columns.map { column in
                Int64((0..<column.count).reduce(0) { $0 + (column.data.isNull($1) ? 1 : 0) })
            }))),
            DataColumn("example", .string(StringColumn(table.columns.map { column in
                (0..<column.count).lazy.first { !column.data.isNull($0) }.flatMap { column.data.cell($0).text }
            }))),
        ])
        let what = kind == .neurons ? "neuron table" : "synapse table"
        return DataTableValue(columns, title: "\(what): \(NumberFormat.count(table.rowCount, "row")), \(NumberFormat.count(table.columnCount, "column"))",
                              notes: notes)
    }
}
