import CommandLanguage
import ConnectomeCore
import Foundation

/// Commands on any table, so that pipelines read as they say:
/// `neurons … | partners … | sort weight descending=true | head 10`.
enum TableCommands {
    static func all(state: KernelState) -> [CommandSpec] {
        [whereSpec, sort, head, select, count, ids, load(state: state), save]
    }

    static let tableArgument = PositionalSpec("TABLE", help: "a table: piped in, or a variable", required: true)

    static let whereSpec = CommandSpec(
        name: "where",
        summary: "Keep the rows of a table whose columns hold the given values.",
        details: FilterArguments.details,
        parameters: FilterArguments.options,
        positional: tableArgument,
        examples: ["neurons | where side=\"left\"", "partners 576460752664524086 | where weight=[5, 6, 7]",
                   "let kcs = neurons cell_class=\"kenyon_cell\"\nkcs | where cell_type=\"ab\" exact=false"],
        synopsis: "TABLE | where FIELD=VALUE ... [regex=false] [case=false] [exact=true] [match_all=false]",
        otherParameters: FilterArguments.criterion
    ) { invocation in
        let value = try TableArguments.table(invocation)
        let (rows, criteria) = try FilterArguments.filter(value.table, invocation)
        let kept = "\(NumberFormat.grouped(rows.rowCount)) of \(NumberFormat.count(value.table.rowCount, "row")) kept"
        return .custom(value.with(rows, title: criteria.isEmpty ? nil : "\(value.title ?? "rows") where \(FilterArguments.describe(criteria))",
                                  notes: [kept]))
    }

    static let sort = CommandSpec(
        name: "sort",
        summary: "Sort a table by a column (stable; nulls last).",
        parameters: [ParameterSpec("descending", .bool, default: "false", help: "largest first")],
        positional: PositionalSpec("COLUMN", .any, help: "the table (piped) and the column to sort by", variadic: true,
                                   required: true, bareWords: .commandNames),
        examples: ["partners 576460752664524086 | sort weight descending=true", "neurons | sort cell_type"],
        synopsis: "TABLE | sort COLUMN [descending=true]"
    ) { invocation in
        let value = try TableArguments.table(invocation)
        let column = try columnName(invocation, at: 1, of: value.table)
        let descending = try invocation.bool("descending", default: false)
        return .custom(value.with(try value.table.sorted(by: column, descending: descending)))
    }

    static let rowCounts = NumberRange(0...Int(Int32.max))

    static let head = CommandSpec(
        name: "head",
        summary: "The first rows of a table (10 unless N is given).",
        positional: PositionalSpec("N", .any, help: "the table (piped) and how many rows", variadic: true, required: true),
        examples: ["neurons | head", "partners 576460752664524086 | head 5"],
        synopsis: "TABLE | head [N]"
    ) { invocation in
        let value = try TableArguments.table(invocation)
        let count = invocation.positional.count > 1 ? try invocation.int(at: 1, in: rowCounts) : 10
        let rows = value.table.head(count)
        return .custom(value.with(rows, notes: ["first \(NumberFormat.grouped(rows.rowCount)) of \(NumberFormat.count(value.table.rowCount, "row"))"]))
    }

    static let select = CommandSpec(
        name: "select",
        summary: "Keep only some columns of a table, in the order named.",
        positional: PositionalSpec("COLUMN", .any, help: "the table (piped) and column names", variadic: true,
                                   required: true, bareWords: .commandNames),
        examples: ["neurons | select root_id cell_type side", "neurons | select \"root_id\" \"status\""],
        synopsis: "TABLE | select COLUMN ..."
    ) { invocation in
        let value = try TableArguments.table(invocation)
        guard invocation.positional.count > 1 else {
            throw EvaluationError(.argumentError, "select needs the names of the columns to keep",
                                  hint: "Its columns are \(value.table.columnNames.joined(separator: ", "))", range: invocation.range)
        }
        let names = try (1..<invocation.positional.count).map { try columnName(invocation, at: $0, of: value.table) }
        return .custom(value.with(try value.table.selecting(names)))
    }

    static let count = CommandSpec(
        name: "count",
        summary: "The number of rows of a table (or of IDs in a list).",
        positional: PositionalSpec("TABLE", help: "a table, or a list", required: true),
        examples: ["neurons cell_class=\"kenyon_cell\" | count", "count [1, 2, 3]"]
    ) { invocation in
        if let list = invocation.positional.first?.asList { return .int(Int128(list.count)) }
        return .int(Int128(try TableArguments.table(invocation).table.rowCount))
    }

    static let ids = CommandSpec(
        name: "ids",
        summary: "The neuron IDs of a table (its root_id, id, pre or post column) as a list.",
        positional: PositionalSpec("TABLE", help: "a table, a scene, or IDs", required: true),
        examples: ["neurons side=\"left\" | ids", "let kc = neurons cell_class=\"kenyon_cell\" | ids"]
    ) { invocation in
        .list(try IDArguments.ids(invocation, at: 0).map { .int(Int128($0.rawValue)) })
    }

    static func load(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "load",
            summary: "Read a table file: CSV, TSV (optionally .gz), Arrow/Feather (.feather, .arrow) or an Arrow stream (.arrows).",
            details: """
                By URL (file://, http(s)://, gs://, s3://) or by path. Column types are read from the file \
                (Arrow) or inferred (CSV: IDs above 2^63 stay exact, lists written as JSON arrays become lists).
                """,
            positional: PositionalSpec("URL", .string, help: "the file's URL or path", required: true),
            examples: ["load \"file:///data/codex/classification.csv.gz\"", "let syn = load \"synapses.feather\""]
        ) { invocation in
            let url = fileURL(try invocation.string(at: 0))
            let table = try await TableFile.read(url: url, transport: state.environment.transport)
            return .custom(DataTableValue(table, title: url))
        }
    }

    static let save = CommandSpec(
        name: "save",
        summary: "Write a table to a CSV, TSV or Feather (Arrow IPC) file, for pandas and others.",
        details: """
            The format follows the extension: .csv, .tsv (optionally .gz), .feather or .arrow. IDs are \
            written exactly (uint64), lists as JSON arrays in CSV. pandas reads them back with read_csv / \
            read_feather. An existing file is replaced.
            """,
        positional: PositionalSpec("PATH", .any, help: "the table (piped) and the file to write", variadic: true, required: true),
        examples: ["neurons side=\"left\" | save \"left.csv\"", "save hubs \"hubs.feather\""],
        synopsis: "TABLE | save \"PATH\""
    ) { invocation in
        let value = try TableArguments.table(invocation)
        guard invocation.positional.count == 2, let path = invocation.positional[1].asString else {
            throw EvaluationError(.argumentError, "save needs a table and the path of the file to write",
                                  hint: "Write it like: neurons | save \"neurons.csv\"", range: invocation.range)
        }
        let url = fileURL(path)
        do {
            try TableFile.write(value.table, to: url)
        } catch let error as ConnectomeError {
            throw invocation.argumentError(at: 1, error.message, hint: error.hint.isEmpty ? nil : error.hint)
        }
        return .string("saved \(NumberFormat.count(value.table.rowCount, "row")) × \(NumberFormat.count(value.table.columnCount, "column")) to \(url)")
    }

    // MARK: - Helpers

    /// A bare path is a file in the current directory.
    static func fileURL(_ path: String) -> String {
        if path.contains("://") { return path }
        if path.hasPrefix("/") { return "file://" + path }
        return "file://" + FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Positional `index` as a column of `table`: a name, or a string.
    private static func columnName(_ invocation: Invocation, at index: Int, of table: DataTable) throws -> String {
        guard let name = invocation.value(at: index)?.asString else {
            throw EvaluationError(.argumentError, "'\(invocation.command)' needs a column name",
                                  hint: "Its columns are \(table.columnNames.joined(separator: ", "))", range: invocation.range(at: index))
        }
        guard table.columnIndex(name) != nil else {
            let error = table.missingColumn(name)
            throw invocation.argumentError(at: index, error.message, hint: error.hint.isEmpty ? nil : error.hint)
        }
        return name
    }
}
