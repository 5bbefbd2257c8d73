import CommandLanguage
import ConnectomeCore

/// `valid root IDS` / `valid supervoxel IDS`: whether IDs are well-formed for the current dataset's
/// chunked graph. Pure bit arithmetic on the layer field (as crantpy's `is_valid_root`), so it needs
/// no network and answers 100,000 IDs at once.
enum ValidCommand {
    /// n_layers of a chunked graph: 2 (supervoxels under roots) up to 255, the most 8 layer bits hold;
    /// real graphs have 5 to 12, since each layer above the first doubles the chunk size.
    static let layerCounts = NumberRange(1...255)
    /// n_bits_for_layer_id: at least one bit, and the layer field must leave room in 64 bits.
    static let layerBitCounts = NumberRange(1...63)

    static func spec(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "valid",
            summary: "Check whether IDs are well-formed root or supervoxel IDs of the current dataset (offline).",
            details: """
                A CAVE node ID carries its layer in its top bits: root IDs sit on the graph's top layer \
                (n_layers), supervoxels on layer 1. This checks that field only, so it needs no network; \
                it cannot tell whether a root ID still exists or is the latest one after proofreading.
                The layer count and layer-field width come from the current dataset (sample and crant: \
                8 layers, 8 bits); give layers=N (and layer_bits=N) for any other graph, e.g. layers=10 \
                for FlyWire.
                The result is a table of id, layer and valid, whose id column can be piped into scene.
                """,
            parameters: [
                ParameterSpec("layers", .integer, default: "the dataset's", range: layerCounts, help: "n_layers of the chunked graph (the layer of root IDs)"),
                ParameterSpec("layer_bits", .integer, default: "the dataset's (8)", range: layerBitCounts, help: "n_bits_for_layer_id of the chunked graph"),
            ],
            positional: PositionalSpec("IDS", .ids, help: "IDs: an integer, a list, a string of IDs, a table with an id column, or a scene",
                                       required: true),
            keywords: ["root", "supervoxel"],
            examples: [
                "valid root 576460752664524086",
                "valid root [576460752664524086, 576460752590602315, 12345]",
                "valid supervoxel \"74029213930668373, 74029213930668374\"",
                "valid root 720575940621039145 layers=10",
                "decode \"https://…\" format=table | valid root",
            ],
            synopsis: "valid root|supervoxel IDS [layers=N] [layer_bits=N]"
        ) { invocation in
            try run(invocation, dataset: state.dataset)
        }
    }

    static func run(_ invocation: Invocation, dataset: DatasetDescription) throws -> Value {
        let root = invocation.hasKeyword("root")
        let supervoxel = invocation.hasKeyword("supervoxel")
        guard root != supervoxel else {
            throw EvaluationError(.argumentError,
                                  root ? "'valid' checks either root or supervoxel IDs, not both" : "'valid' needs to know what to check",
                                  hint: "Write valid root IDS or valid supervoxel IDS", range: invocation.range)
        }
        let layout = try layout(invocation, dataset: dataset)
        let ids = try IDArguments.ids(invocation, at: 0)
        let wanted = root ? layout.nLayers : 1
        var rows: [[Value]] = []
        rows.reserveCapacity(ids.count)
        var validCount = 0
        for id in ids {
            let layer = layout.layer(of: id)
            if layer == wanted { validCount += 1 }
            rows.append([.int(Int128(id.rawValue)), .int(Int128(layer)), .bool(layer == wanted)])
        }
        let kind = root ? "root" : "supervoxel"
        let graph = "layer \(wanted) of \(layout.nLayers), \(layout.layerBits) layer bits"
        return .table(Table(
            title: "\(kind) IDs of dataset \(dataset.name) (\(graph))",
            columns: ["id", "layer", "valid"], rows: rows,
            footer: "\(NumberFormat.grouped(validCount)) of \(NumberFormat.count(ids.count, "ID")) \(validCount == 1 ? "is a" : "are") well-formed \(kind) ID\(validCount == 1 ? "" : "s")"))
    }

    /// The dataset's node-ID layout with the `layers=` / `layer_bits=` overrides applied.
    static func layout(_ invocation: Invocation, dataset: DatasetDescription) throws -> NodeIDLayout {
        let bits = try invocation.int("layer_bits", in: layerBitCounts, default: dataset.layerBits)
        let layers: Int
        if invocation.has("layers") {
            // The layer field of `bits` bits holds 1 to 2^bits - 1 (and no graph has more than 255 layers).
            layers = try invocation.int("layers", in: NumberRange(1...(bits >= 8 ? 255 : (1 << bits) - 1)))
        } else if let known = dataset.nodeIDLayers {
            layers = known
        } else {
            throw EvaluationError(
                .argumentError,
                "dataset \(dataset.name) does not say how many layers its chunked graph has, so IDs cannot be checked",
                hint: "Switch to a CAVE dataset (dataset crant) or give the layer count: valid root IDS layers=8",
                range: invocation.range)
        }
        return NodeIDLayout(nLayers: layers, layerBits: bits)
    }
}
