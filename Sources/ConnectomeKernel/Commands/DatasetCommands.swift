import CommandLanguage
import ConnectomeCore
import Foundation
import JupyterProtocol

/// `dataset` (show or switch the dataset) and `info` (a layer's scales).
enum DatasetCommands {
    static func all(state: KernelState) -> [CommandSpec] { [dataset(state), info(state)] }

    static func dataset(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "dataset",
            summary: "Show the current dataset, switch to a preset, or open volumes by URL.",
            details: """
                With no arguments: the current dataset's layers, sources, voxel size and viewer.
                `dataset sample` opens the bundled offline dataset (the default at start; written to the \
                cache folder on first use); `dataset crant` the public CRANT ant-brain configuration.
                `dataset image="precomputed://URL" segmentation="precomputed://URL"` opens volumes by URL \
                (http(s)://, gs://, s3:// or file://); either may be omitted. The image's `info` is read \
                at once, so a wrong URL is reported here rather than at the first slice.
                `dataset neurons="URL" synapses="URL" skeletons="precomputed://URL"` gives the current \
                dataset your own tables (FlyWire Codex or neuPrint CSV exports, a CAVE table saved with \
                pandas) and skeletons, for neurons, partners, adjacency and skeleton; the sample has all three.
                `dataset cave server="https://…" datastack="NAME"` reads a CAVE datastack from its info service \
                (segmentation, viewer, tables, local server); `dataset crant` does so for CRANT when a CAVE token \
                is saved (see token), and is the built-in preset otherwise. latest, roots, supervoxels and update \
                ask the datastack's chunked graph. On CRANT, neurons and annotations read the annotation table \
                CRANTb_meta from Seatable with the account token of CRANTTABLE_TOKEN or token seatable=… \
                (seatable="https://…" names another Seatable server), and skeleton asks CAVE's skeleton service.
                """,
            parameters: [
                ParameterSpec("image", .string, help: "image volume URL (precomputed://…)"),
                ParameterSpec("segmentation", .string, help: "segmentation volume URL (precomputed://…)"),
                ParameterSpec("viewer", .string, help: "viewer base for scene links (a URL, or spelunker / neuroglancer)"),
                ParameterSpec("layers", .integer, range: ValidCommand.layerCounts, help: "n_layers of the segmentation's chunked graph, for `valid`"),
                ParameterSpec("neurons", .string, help: "the neuron (annotation) table: a CSV, TSV or Arrow/Feather file URL"),
                ParameterSpec("synapses", .string, help: "the synapse table (one row per synapse) or connection table (with syn_count)"),
                ParameterSpec("skeletons", .string, help: "the precomputed skeleton source (precomputed://…)"),
                ParameterSpec("server", .string, help: "dataset cave: the CAVE server (https://…)"),
                ParameterSpec("datastack", .string, help: "dataset cave: the datastack name"),
                ParameterSpec("sandbox", .bool, default: "false", help: "dataset crant: CRANT's sandbox datastack"),
                ParameterSpec("seatable", .string, default: "https://cloud.seatable.io",
                              help: "dataset crant: the Seatable server of CRANT's annotation table (CRANTb_meta)"),
            ],
            positional: PositionalSpec("PRESET", .string, help: "sample, crant or cave", choices: ["sample", "crant", "cave"]),
            examples: ["dataset", "dataset sample", "dataset crant",
                       "dataset cave server=\"https://global.daf-apis.com\" datastack=\"flywire_fafb_public\"",
                       "dataset image=\"precomputed://https://example.org/em\" segmentation=\"precomputed://gs://bucket/seg\""]
        ) { invocation in
            if invocation.has("seatable"), invocation.value(at: 0)?.asString != "crant" {
                throw invocation.argumentError("seatable", "seatable= names the Seatable server of CRANT's annotation table, so it goes with dataset crant",
                                               hint: "Write it like: dataset crant seatable=\"https://cloud.seatable.io\"")
            }
            if let preset = invocation.value(at: 0) {
                guard case .string(let name) = preset else {
                    throw invocation.argumentError("PRESET", "a preset is a name: sample or crant")
                }
                switch name {
                case "sample":
                    state.dataset = .sample(directory: state.environment.sampleDirectory)
                    let progress = ProgressDisplay(output: invocation.output, title: "writing the sample dataset")
                    _ = try await state.volume(url: try state.layerURL(nil).url, progress: progress.report)
                    progress.finish("sample dataset ready")
                case "crant":
                    state.dataset = try await CaveCommands.openCrant(invocation, state: state)
                case "cave":
                    state.dataset = try await CaveCommands.openDatastack(invocation, state: state)
                default:
                    throw invocation.argumentError("PRESET", "there is no dataset preset '\(name)'",
                                                   hint: "The presets are sample, crant and cave; other data opens with dataset image=\"URL\"")
                }
                return .custom(DatasetValue(dataset: state.dataset))
            }
            guard ["image", "segmentation", "viewer", "layers", "neurons", "synapses", "skeletons"].contains(where: invocation.has) else {
                return .custom(DatasetValue(dataset: state.dataset))
            }
            var dataset = state.dataset
            if invocation.has("image") || invocation.has("segmentation") {
                dataset = DatasetDescription(name: "custom", imageLayers: [], voxelSize: dataset.voxelSize,
                                             viewerBase: DatasetDescription.neuroglancerDemo)
            }
            if invocation.has("image") {
                let url = sourceURL(try invocation.string("image"))
                let volume = try await state.volume(url: url)
                dataset.imageLayers = [("image", url)]
                if let resolution = volume.info.scales.first?.resolution { dataset.voxelSize = resolution }
            }
            if invocation.has("segmentation") {
                let url = sourceURL(try invocation.string("segmentation"))
                if !invocation.has("image"), !url.hasPrefix("graphene://") {
                    let volume = try await state.volume(url: url)
                    if let resolution = volume.info.scales.first?.resolution { dataset.voxelSize = resolution }
                }
                dataset.segmentationURL = url
            }
            if let viewer = try SceneArguments.viewer(invocation) {
                dataset.viewerBase = viewer
            }
            if invocation.has("layers") {
                dataset.nodeIDLayers = try invocation.int("layers")
            }
            if invocation.has("neurons") {
                dataset.neuronsURL = TableCommands.fileURL(try invocation.string("neurons"))
                dataset.annotationTable = nil
            }
            if invocation.has("synapses") { dataset.synapsesURL = TableCommands.fileURL(try invocation.string("synapses")) }
            if invocation.has("skeletons") { dataset.skeletonsURL = sourceURL(try invocation.string("skeletons")) }
            state.dataset = dataset
            return .custom(DatasetValue(dataset: dataset))
        }
    }

    static func info(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "info",
            summary: "A table of a layer's scales: size, resolution, voxel offset, chunk size, encoding, sharding.",
            details: "Without a layer: the first image layer, or the CATMAID stack chosen with `stack`. The layers are those `dataset` lists (segmentation included).",
            positional: PositionalSpec("LAYER", .string, help: "layer name (see `dataset`)", choices: commonLayerNames),
            examples: ["info", "info image_raw", "info segmentation", "info neurons", "info synapses"]
        ) { invocation in
            let name = invocation.value(at: 0).map { $0.asString ?? $0.plainText }
            if name == "neurons" || name == "synapses" {
                return .custom(try await NeuronInfo.table(name == "neurons" ? .neurons : .synapses, source: state.neuronSource()))
            }
            if name == nil, let connection = state.currentStack, let stack = connection.stack {
                return .table(CatmaidCommands.stackTable(stack, mirror: connection.mirror))
            }
            let layer = try state.layerURL(name)
            let volume = try await state.volume(url: layer.url)
            return .table(infoTable(layer: layer.name, url: layer.url, info: volume.info))
        }
    }

    /// Layer names that read as words without quotes (`layer=segmentation`); others are quoted.
    static let commonLayerNames = ["image", "image_raw", "segmentation", "neurons", "synapses"]

    static func infoTable(layer: String, url: String, info: PrecomputedInfo) -> Table {
        let rows: [[Value]] = info.scales.enumerated().map { mip, scale in
            [
                .int(Int128(mip)),
                .string(scale.size.map(String.init).joined(separator: " × ")),
                .string(scale.resolution.map(NumberFormat.plain).joined(separator: " × ") + " nm"),
                .string(scale.voxelOffset.map(String.init).joined(separator: ", ")),
                .string(scale.chunkSize.map(String.init).joined(separator: " × ")),
                .string(encodingName(scale)),
                .string(scale.sharding.map { "\($0.shardBits) shard / \($0.minishardBits) minishard bits" } ?? "no"),
            ]
        }
        return Table(
            title: "\(layer): \(info.type.rawValue), \(info.dataType.rawValue), \(info.numChannels) channel\(info.numChannels == 1 ? "" : "s") — \(url)",
            columns: ["mip", "size (voxels)", "resolution", "voxel offset", "chunk", "encoding", "sharded"],
            rows: rows)
    }

    private static func encodingName(_ scale: PrecomputedScale) -> String {
        switch scale.encoding {
        case .raw: return "raw"
        case .jpeg: return "jpeg"
        case .png: return "png"
        case .compressedSegmentation:
            let block = scale.compressedSegmentationBlockSize?.map(String.init).joined(separator: "×") ?? "?"
            return "compressed_segmentation (\(block) blocks)"
        case .unsupported(let name): return "\(name) (not readable here)"
        }
    }

    /// Accepts a bare store URL too, and writes it the way neuroglancer sources are written.
    static func sourceURL(_ text: String) -> String {
        if text.contains("://"), text.hasPrefix("precomputed://") || text.hasPrefix("graphene://") { return text }
        return "precomputed://" + text
    }

}

/// The current dataset as a value: a table of its layers, with voxel size and viewer.
struct DatasetValue: RichDisplay {
    let dataset: DatasetDescription

    var kindName: String { "dataset" }
    var plainText: String { TableRenderer.plainText(table) }
    var mimeBundle: MimeBundle { TableRenderer.bundle(for: table) }

    var table: Table {
        var rows: [[Value]] = dataset.imageLayers.map { [.string($0.name), "image", .string($0.url)] }
        if let url = dataset.segmentationURL { rows.append(["segmentation", "segmentation", .string(url)]) }
        if let url = dataset.brainMeshURL { rows.append(["brain_mesh", "mesh", .string(url)]) }
        if let url = dataset.nucleiURL { rows.append(["nuclei", "segmentation", .string(url)]) }
        if let url = dataset.mergeBiasedURL { rows.append(["merge_biased", "segmentation", .string(url)]) }
        if dataset.neuronsURL == nil, let table = dataset.annotationTable { rows.append(["neurons", "annotations", .string(table.description)]) }
        let voxel = dataset.voxelSize.map(NumberFormat.plain).joined(separator: " × ")
        var footer = "voxel size \(voxel) nm · scenes open in \(dataset.viewerBase)"
        if let layers = dataset.nodeIDLayers { footer += " · node IDs: \(layers) layers, \(dataset.layerBits) layer bits" }
        return Table(title: "dataset \(dataset.name)", columns: ["layer", "kind", "source"], rows: rows, footer: footer)
    }
}
