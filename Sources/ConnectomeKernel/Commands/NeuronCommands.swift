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

    /// `update_ids=`: crantpy's default for NeuronCriteria and get_annotations on a live graph.
    static let updateIDs = ParameterSpec("update_ids", .bool, default: "true",
                                         help: "CAVE datastacks (dataset crant): root_id brought up to date now, as update does (the table's supervoxel_id places a stale root exactly); false keeps the table's IDs; tables on disk ignore it")

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
            parameters: FilterArguments.options + [clearCache, updateIDs],
            examples: [
                "neurons",
                "neurons cell_class=\"kenyon_cell\"",
                "neurons cell_type=[\"KC_ab\", \"KC_g\"] side=\"left\"",
                "neurons status=[\"proofread\", \"backbone\"] match_all=true",
                "neurons cell_type=\"^KC\" regex=true | count",
                "neurons cell_class=\"kenyon_cell\" | partners direction=\"downstream\" | sort weight descending=true | head 10",
            ],
            synopsis: "neurons [FIELD=VALUE ...] [regex=false] [case=false] [exact=true] [match_all=false] [clear_cache=false] [update_ids=true]",
            otherParameters: FilterArguments.criterion,
            otherParameterNames: { _ in state.neuronSource().knownAnnotationColumns }
        ) { invocation in
            let (source, table) = try await readTable(invocation, state: state)
            let (found, criteria) = try FilterArguments.filter(table, invocation, except: [clearCache.name, updateIDs.name])
            guard !criteria.isEmpty else {
                return .custom(DataTableValue(table, title: "neurons of dataset \(state.dataset.name)",
                                              notes: source.annotationOrigin.map { ["from \($0)"] } ?? []))
            }
            guard found.rowCount > 0 else {
                throw ConnectomeError.noMatches(
                    "no neurons found matching \(FilterArguments.describe(criteria)) among \(NumberFormat.count(table.rowCount, "neuron"))",
                    hint: "loosen the criteria: case=false, exact=false, a list of values, or look at the values with neurons | select \(criteria[0].field)")
            }
            // As crantpy's NeuronCriteria: the matches (not the whole table) follow the graph's edits.
            let (matches, updateNotes) = try await current(found, invocation, state: state)
            return .custom(DataTableValue(
                matches, title: "neurons where \(FilterArguments.describe(criteria))",
                notes: ["\(NumberFormat.grouped(matches.rowCount)) of \(NumberFormat.count(table.rowCount, "neuron")) match"] + updateNotes))
        }
    }

    static func annotations(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "annotations",
            summary: "The annotation rows of neuron IDs, in the order given.",
            details: """
                Looks the IDs up in the current dataset's neuron table (by root_id). IDs not in the table \
                are named under the result; if none is found it is a NoMatchesError. IDs are compared as \
                integers (CRANT's Seatable table stores them as text). clear_cache=true reads the table again. \
                proofread_only=true keeps the rows marked proofread. On a CAVE datastack the table's root_id \
                values are first brought up to date (crantpy's get_annotations; the IDs asked for are not), \
                unless update_ids=false.
                """,
            parameters: [clearCache, updateIDs,
                         ParameterSpec("proofread_only", .bool, default: "false", help: "only the rows whose proofread flag is true")],
            positional: PositionalSpec("IDS", .ids, help: "IDs: an integer, a list, a string of IDs, a table or a scene",
                                       required: true),
            examples: [
                "annotations 576460752664524086",
                "annotations [576460752664524086, 576460752590602315]",
                "segment at (512, 512, 32) | annotations",
            ]
        ) { invocation in
            let ids = try IDArguments.ids(invocation, at: 0)
            let (_, read) = try await readTable(invocation, state: state)
            var (table, notes) = try await current(read, invocation, state: state)
            if try invocation.bool("proofread_only", default: false) { table = try proofread(table) }
            guard let column = table.idColumnName else {
                throw ConnectomeError.data("the neuron table has no root_id column; its columns are \(table.columnNames.joined(separator: ", "))",
                                           hint: "a neuron table needs a root_id (or id) column")
            }
            let (rows, missing) = try table.rows(withIDs: SegmentID.rawValues(ids), column: column)
            guard rows.rowCount > 0 else {
                throw ConnectomeError.noMatches(
                    "none of the \(NumberFormat.count(ids.count, "ID")) is in the neuron table (\(NumberFormat.count(table.rowCount, "row")))",
                    hint: "check that they are current root IDs of this dataset (segment at … gives them)")
            }
            if !missing.isEmpty {
                let shown = missing.prefix(10).map(String.init).joined(separator: ", ")
                notes.append("not in the table: \(shown)\(missing.count > 10 ? " and \(missing.count - 10) more" : "")")
            }
            return .custom(DataTableValue(rows, title: "annotations of \(NumberFormat.count(ids.count, "neuron"))", notes: notes))
        }
    }

    /// The rows with their root_id brought up to date (`CaveCommands.currentIDs`, now, through each row's
    /// supervoxel_id when the table has one); the table as it is off CAVE or with `update_ids=false`.
    static func current(_ table: DataTable, _ invocation: Invocation, state: KernelState) async throws -> (DataTable, [String]) {
        guard try CaveCommands.updatesIDs(invocation, state: state) else {
            return (table, try await CaveCommands.currentIDs([], invocation, state: state, absent: .now).notes)
        }
        guard let column = table.idColumnName, table.rowCount > 0 else { return (table, []) }
        let ids = try table.ids(column: column)
        var supervoxels: [SegmentID?]?
        if table.column("supervoxel_id") != nil, ids.count == table.rowCount {
            supervoxels = try table.optionalIDs(column: "supervoxel_id")
        }
        let (current, notes) = try await CaveCommands.currentIDs(ids, invocation, state: state, absent: .now, supervoxels: supervoxels,
                                                                  bestEffort: true)
        return (try table.replacingIDs(in: column, with: current), notes)
    }

    /// crantpy's `proofread_only`: the rows whose `proofread` is true.
    static func proofread(_ table: DataTable) throws -> DataTable {
        guard table.column("proofread") != nil else {
            throw ConnectomeError.argument("proofread_only=true needs a proofread column; the table's columns are \(table.columnNames.joined(separator: ", "))",
                                           hint: "leave proofread_only out, or filter another column with neurons FIELD=VALUE")
        }
        return try table.filtered([FilterCriterion("proofread", .bool(true))], options: FilterOptions())
    }
}
