import CommandLanguage
import ConnectomeCore

/// `neurons` and `annotations`: the dataset's annotation table, filtered or looked up by ID.
enum NeuronCommands {
    static func all(state: KernelState) -> [CommandSpec] {
        [neurons(state: state), annotations(state: state)]
    }

    /// `clear_cache=true`: read the annotation table again (crantpy's `clear_cache`).
    static let clearCache = ParameterSpec("clear_cache", .bool, default: "false",
                                          help: "read the annotation table again instead of using the copy kept (2 hours for Seatable)")

    static func readTable(_ invocation: Invocation, state: KernelState) async throws -> (any NeuronSource, DataTable) {
        if try invocation.bool("clear_cache", default: false) { state.clearAnnotationCache() }
        let source = state.neuronSource()
        return (source, try await source.annotations())
    }

    static func neurons(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "neurons",
            summary: "Find neurons by their annotations (cell class, type, side, status …); the matching rows as a table.",
            details: """
                Reads the current dataset's neuron table (dataset neurons="…"; the sample has one) and keeps \
                the rows matching every FIELD=VALUE. Without criteria it shows every neuron.
                """ + "\n" + FilterArguments.details + "\n" + """
                The result is a table usable wherever IDS go (its root_id column): pipe it into partners, \
                adjacency, annotations, scene segments=…, or save it.
                On CRANT (dataset crant) the table is CRANTb_meta in Seatable, read in pages of 10,000 rows \
                with the account token of CRANTTABLE_TOKEN (or token seatable=…) and kept for 2 hours; \
                clear_cache=true reads it again.
                """,
            parameters: FilterArguments.options + [clearCache],
            examples: [
                "neurons",
                "neurons cell_class=\"kenyon_cell\"",
                "neurons cell_type=[\"KC_ab\", \"KC_g\"] side=\"left\"",
                "neurons status=[\"proofread\", \"backbone\"] match_all=true",
                "neurons cell_type=\"^KC\" regex=true | count",
                "neurons cell_class=\"kenyon_cell\" | partners direction=\"downstream\" | sort weight descending=true | head 10",
            ],
            synopsis: "neurons [FIELD=VALUE ...] [regex=false] [case=false] [exact=true] [match_all=false] [clear_cache=false]",
            otherParameters: FilterArguments.criterion,
            otherParameterNames: { _ in state.neuronSource().knownAnnotationColumns }
        ) { invocation in
            let (source, table) = try await readTable(invocation, state: state)
            let (matches, criteria) = try FilterArguments.filter(table, invocation, except: [clearCache.name])
            guard !criteria.isEmpty else {
                return .custom(DataTableValue(table, title: "neurons of dataset \(state.dataset.name)",
                                              notes: source.annotationOrigin.map { ["from \($0)"] } ?? []))
            }
            guard matches.rowCount > 0 else {
                throw ConnectomeError.noMatches(
                    "no neurons found matching \(FilterArguments.describe(criteria)) among \(NumberFormat.count(table.rowCount, "neuron"))",
                    hint: "loosen the criteria: case=false, exact=false, a list of values, or look at the values with neurons | select \(criteria[0].field)")
            }
            return .custom(DataTableValue(
                matches, title: "neurons where \(FilterArguments.describe(criteria))",
                notes: ["\(NumberFormat.grouped(matches.rowCount)) of \(NumberFormat.count(table.rowCount, "neuron")) match"]))
        }
    }

    static func annotations(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "annotations",
            summary: "The annotation rows of neuron IDs, in the order given.",
            details: """
                Looks the IDs up in the current dataset's neuron table (by root_id). IDs not in the table \
                are named under the result; if none is found it is a NoMatchesError. IDs are compared as \
                integers (CRANT's Seatable table stores them as text). clear_cache=true reads the table again.
                """,
            parameters: [clearCache],
            positional: PositionalSpec("IDS", .ids, help: "IDs: an integer, a list, a string of IDs, a table or a scene",
                                       required: true),
            examples: [
                "annotations 576460752664524086",
                "annotations [576460752664524086, 576460752590602315]",
                "segment at (512, 512, 32) | annotations",
            ]
        ) { invocation in
            let ids = try IDArguments.ids(invocation, at: 0)
            let (_, table) = try await readTable(invocation, state: state)
            guard let column = table.idColumnName else {
                throw ConnectomeError.data("the neuron table has no root_id column; its columns are \(table.columnNames.joined(separator: ", "))",
                                           hint: "a neuron table needs a root_id (or id) column")
            }
            let (rows, missing) = try table.rows(withIDs: ids.map(\.rawValue), column: column)
            guard rows.rowCount > 0 else {
                throw ConnectomeError.noMatches(
                    "none of the \(NumberFormat.count(ids.count, "ID")) is in the neuron table (\(NumberFormat.count(table.rowCount, "row")))",
                    hint: "check that they are current root IDs of this dataset (segment at … gives them)")
            }
            var notes: [String] = []
            if !missing.isEmpty {
                let shown = missing.prefix(10).map(String.init).joined(separator: ", ")
                notes.append("not in the table: \(shown)\(missing.count > 10 ? " and \(missing.count - 10) more" : "")")
            }
            return .custom(DataTableValue(rows, title: "annotations of \(NumberFormat.count(ids.count, "neuron"))", notes: notes))
        }
    }
}
