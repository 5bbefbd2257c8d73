import CommandLanguage
import ConnectomeCore

/// Reads a table from whatever a user hands a table command: a columnar table (`neurons`,
/// `partners`, `load`), or one of the language's small row tables (`valid`, `vars`, `decode
/// format=table`), converted column by column.
enum TableArguments {
    /// The table of positional argument `index`; a value that is no table is blamed on that argument.
    static func table(_ invocation: Invocation, at index: Int = 0) throws -> DataTableValue {
        guard let value = invocation.value(at: index) else {
            throw EvaluationError(.argumentError, "'\(invocation.command)' needs a table",
                                  hint: "Pipe one in: neurons | \(invocation.command) …", range: invocation.range)
        }
        do { return try table(in: value) } catch {
            throw invocation.argumentError(at: index, error.message, hint: error.hint.isEmpty ? nil : error.hint)
        }
    }

    static func table(in value: Value) throws(ConnectomeError) -> DataTableValue {
        switch value {
        case .custom(let custom as DataTableValue): return custom
        case .custom(let custom as AdjacencyValue): return custom.tableValue
        case .custom(let custom as SkeletonValue): return custom.nodeTable
        case .table(let table): return DataTableValue(try columnar(table), title: table.title)
        default:
            throw ConnectomeError.argument("\(value.errorDescription) is not a table",
                                           hint: "tables come from neurons, synapses, partners, load \"file.csv\" …")
        }
    }

    /// A row table as columns, each column typed by its cells: integers (uint64 when a value needs
    /// it), numbers, booleans, strings, lists of strings, vectors; nulls anywhere.
    static func columnar(_ table: Table) throws(ConnectomeError) -> DataTable {
        var columns: [DataColumn] = []
        for (index, name) in table.columns.enumerated() {
            let cells = table.rows.map { index < $0.count ? $0[index] : .null }
            columns.append(DataColumn(name, column(cells)))
        }
        return try DataTable(columns: columns)
    }

    private static func column(_ cells: [Value]) -> ColumnData {
        let present = cells.filter { !$0.isNull }
        let valid = Validity(cells.map { !$0.isNull })
        let validity = valid.simplified
        if present.allSatisfy({ if case .int = $0 { return true } else { return false } }) && !present.isEmpty {
            let ints = cells.map { $0.asInt128 ?? 0 }
            if ints.allSatisfy({ Int64(exactly: $0) != nil }) {
                return .int64(ScalarColumn(values: ints.map { Int64($0) }, validity: validity))
            }
            if ints.allSatisfy({ UInt64(exactly: $0) != nil }) {
                return .uint64(ScalarColumn(values: ints.map { UInt64($0) }, validity: validity))
            }
        } else if present.allSatisfy({ $0.asDouble != nil && $0.asBool == nil }) && !present.isEmpty {
            return .double(ScalarColumn(values: cells.map { $0.asDouble ?? .nan }, validity: validity))
        } else if present.allSatisfy({ $0.asBool != nil }) && !present.isEmpty {
            return .bool(ScalarColumn(values: cells.map { $0.asBool ?? false }, validity: validity))
        } else if present.allSatisfy({ if case .list(let items) = $0 { return items.allSatisfy { $0.asString != nil } } else { return false } }) && !present.isEmpty {
            return .stringList(StringListColumn(cells.map { $0.asList.map { $0.map(\.asString) } }))
        }
        return .string(StringColumn(cells.map { cell -> String? in
            if cell.isNull { return nil }
            return cell.asString ?? cell.plainText
        }))
    }
}
