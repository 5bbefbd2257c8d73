import CommandLanguage
import ConnectomeCore

/// `synapses`, `partners` and `adjacency`: crantpy's connectivity queries on the dataset's synapses.
enum ConnectivityCommands {
    static func all(state: KernelState) -> [CommandSpec] {
        [synapses(state: state), partners(state: state), adjacency(state: state)]
    }

    static let autapses = ParameterSpec("autapses", .bool, default: "false",
                                        help: "keep synapses of a neuron onto itself (crantpy drops them)")
    /// CAVE datastacks: which state of the synapse table to read, and in which format.
    static let at = ParameterSpec("at", ParameterType("timestamp"), default: "mat",
                                  help: "CAVE datastacks: mat (the latest materialization), mat_<version>, or a time (now, ISO 8601, Unix seconds) for a live query",
                                  choices: ["mat", "now"])
    static let format = ParameterSpec("format", .string, default: "arrow",
                                      help: "CAVE datastacks: the answer format: arrow (ZSTD buffers), arrow_lz4, arrow_uncompressed (gzip) or json (gzip)",
                                      choices: MaterializationFormat.allCases.map(\.rawValue))
    static let updateIDs = ParameterSpec("update_ids", .bool, default: "true",
                                         help: "CAVE datastacks: bring stale IDs up to date (as update does) at the time of at= before asking; tables on disk have no graph and ignore it")
    /// The time IDs are brought up to date for: the state of the synapse table the query reads.
    static let updateTime = Timestamp.materialization(version: nil)
    static let thresholds = NumberRange(1...Int(Int32.max))
    static let threshold = ParameterSpec("threshold", .integer, default: "1", range: thresholds,
                                         help: "keep connections of at least this many synapses")

    static func synapses(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "synapses",
            summary: "The synapses from pre=IDS onto post=IDS (either may be left out), one row each.",
            details: """
                With both pre= and post=, only synapses from the first onto the second; with IDS alone \
                (or piped in), the synapses onto or from those neurons. Rows with a zero root and autapses \
                are dropped unless autapses=true; min_size keeps synapses of at least that size. \
                Positions are in voxels, as the synapse table stores them.
                """,
            parameters: [
                ParameterSpec("pre", .ids, help: "presynaptic neurons"),
                ParameterSpec("post", .ids, help: "postsynaptic neurons"),
                ParameterSpec("min_size", .number, range: NumberRange(0...1e15, shown: "0 to 1e15"),
                              help: "the smallest synapse size to keep"),
                autapses, at, format, updateIDs,
            ],
            positional: PositionalSpec("IDS", .ids, help: "neurons whose input and output synapses to list"),
            examples: [
                "synapses pre=576460752664524086",
                "synapses pre=576460752664524086 post=576460752590602315 min_size=20",
                "neurons cell_type=\"KC_ab\" | synapses",
            ]
        ) { invocation in
            let pre = try IDArguments.ids(invocation, "pre")
            let post = try IDArguments.ids(invocation, "post")
            let touching = invocation.positional.isEmpty ? nil : try IDArguments.ids(invocation, at: 0)
            if touching != nil && (pre != nil || post != nil) {
                throw EvaluationError(.argumentError, "synapses takes either IDS or pre=/post=, not both",
                                      hint: "Write synapses pre=IDS post=IDS, or IDS | synapses", range: invocation.range)
            }
            let minSize = try invocation.has("min_size") ? invocation.double("min_size") : nil
            let keepAutapses = try invocation.bool("autapses", default: false)
            let given: SynapseSelection
            if let touching { given = .touching(touching) }
            else if let pre, let post { given = .between(pre: pre, post: post) }
            else if let pre { given = .from(pre) }
            else if let post { given = .onto(post) }
            else {
                throw EvaluationError(.argumentError, "synapses needs IDS, pre=IDS or post=IDS",
                                      hint: "Write it like: synapses pre=576460752664524086", range: invocation.range)
            }
            let (current, updateNotes) = try await CaveCommands.currentIDs(given.ids, invocation, state: state, absent: updateTime)
            let selection = given.mapIDs { current[$0] ?? $0 }
            let table = try await state.neuronSource().synapses(selection, options: try options(invocation, minSize: minSize))
            let rows = try table.synapses(selection, minSize: minSize, autapses: keepAutapses)
            let what = table.level == .synapse ? "synapse" : "connection"
            return .custom(DataTableValue(rows, title: "\(what)s", notes: updateNotes + table.notes + (table.level == .connection
                ? ["the synapse table is connection-level: one row per pair, with its weight"] : [])))
        }
    }

    static func partners(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "partners",
            summary: "The synaptic partners of neurons: pre, post and weight (synapse count), heaviest first.",
            details: """
                crantpy's get_connectivity: upstream partners are the neurons with synapses onto IDS, \
                downstream partners those IDS synapse onto; both (the default) gives the union, each \
                synapse counted once. Connections lighter than threshold are dropped; autapses and zero \
                roots are dropped unless autapses=true.
                """,
            parameters: [
                ParameterSpec("direction", .string, default: "both", help: "upstream (inputs), downstream (outputs) or both",
                              choices: PartnerDirection.allCases.map(\.rawValue)),
                threshold, autapses, at, format, updateIDs,
            ],
            positional: PositionalSpec("IDS", .ids, help: "the neurons: IDs, or a table piped in", required: true),
            examples: [
                "partners 576460752664524086",
                "partners 576460752664524086 direction=\"upstream\" threshold=5",
                "neurons cell_class=\"kenyon_cell\" | partners direction=\"downstream\" | sort weight descending=true | head 10",
            ]
        ) { invocation in
            let direction = try self.direction(invocation)
            let minimum = try thresholdValue(invocation)
            let keepAutapses = try invocation.bool("autapses", default: false)
            let given = try IDArguments.ids(invocation, at: 0)
            let (current, updateNotes) = try await CaveCommands.currentIDs(given, invocation, state: state, absent: updateTime)
            let ids = given.map { current[$0] ?? $0 }
            let table = try await state.neuronSource().synapses(direction.selection(ids), options: try options(invocation))
            let pairs = try table.partners(of: ids, direction: direction, threshold: minimum, autapses: keepAutapses)
            let title = "\(direction == .both ? "" : direction.rawValue + " ")partners of \(NumberFormat.count(ids.count, "neuron"))"
            return .custom(DataTableValue(pairs, title: title,
                                          notes: updateNotes + table.notes + (minimum > 1 ? ["connections of at least \(minimum) synapses"] : [])))
        }
    }

    static func adjacency(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "adjacency",
            summary: "The synapse-count matrix between neurons, as a table and a heatmap.",
            details: """
                Rows are the sources (IDS), columns the targets (targets=IDS, default the same neurons), in \
                the order given. Counts below threshold are 0, and so is the diagonal unless autapses=true. \
                The heatmap beside the table is darker for more synapses (square-root scale).
                """,
            parameters: [
                ParameterSpec("targets", .ids, default: "IDS", help: "the neurons of the columns"),
                threshold, autapses, at, format, updateIDs,
            ],
            positional: PositionalSpec("IDS", .ids, help: "the neurons of the rows: IDs, or a table piped in", required: true),
            examples: [
                "adjacency [576460752664524086, 576460752590602315, 576460752681142003]",
                "neurons cell_class=\"kenyon_cell\" | adjacency",
                "adjacency (neurons side=\"left\") targets=(neurons side=\"right\") threshold=3",
            ]
        ) { invocation in
            let givenSources = try IDArguments.ids(invocation, at: 0)
            let givenTargets = try IDArguments.ids(invocation, "targets") ?? givenSources
            let minimum = try thresholdValue(invocation)
            let keepAutapses = try invocation.bool("autapses", default: false)
            let (current, updateNotes) = try await CaveCommands.currentIDs(givenSources + givenTargets, invocation, state: state, absent: updateTime)
            let sources = givenSources.map { current[$0] ?? $0 }, targets = givenTargets.map { current[$0] ?? $0 }
            let table = try await state.neuronSource().synapses(.between(pre: sources, post: targets), options: try options(invocation))
            let matrix = try table.adjacency(sources: sources, targets: targets, threshold: minimum, autapses: keepAutapses)
            return .custom(AdjacencyValue(matrix: matrix, table: try matrix.table(), notes: updateNotes + table.notes))
        }
    }

    // MARK: - Arguments

    /// `at=` and `format=` for a remote synapse table (a local table ignores them).
    static func options(_ invocation: Invocation, minSize: Double? = nil) throws -> SynapseQueryOptions {
        let text = try invocation.string("format", default: MaterializationFormat.arrow.rawValue)
        guard let format = MaterializationFormat(rawValue: text.lowercased()) else {
            throw invocation.argumentError("format", "format must be \(MaterializationFormat.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text.prefix(40))\"")
        }
        return SynapseQueryOptions(at: try CaveCommands.materializationPoint(invocation), format: format, minSize: minSize)
    }

    static func direction(_ invocation: Invocation) throws -> PartnerDirection {
        let text = try invocation.string("direction", default: "both")
        guard let direction = PartnerDirection(rawValue: text.lowercased()) else {
            throw invocation.argumentError("direction", "direction must be upstream, downstream or both, got \"\(text)\"",
                                           hint: "upstream = inputs (synapses onto the neurons), downstream = outputs")
        }
        return direction
    }

    static func thresholdValue(_ invocation: Invocation) throws -> Int64 {
        Int64(try invocation.int("threshold", in: thresholds, default: 1))
    }
}
