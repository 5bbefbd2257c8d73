import CommandLanguage
import ConnectomeCore
import JSONModel

/// The scene commands: `scene` (build or change a neuroglancer scene), `decode` (read a link),
/// `valid` (check IDs offline) and `token` (credentials for state servers).
enum SceneCommands {
    /// Every scene command, sharing one token store.
    static func all(state: KernelState) -> [CommandSpec] {
        [scene(state: state), DecodeCommand.spec(state: state, tokens: state.tokens),
         ValidCommand.spec(state: state), TokenCommand.spec(state: state)]
    }

    static func scene(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "scene",
            summary: "A neuroglancer scene of the current dataset, as a link that opens in Spelunker or neuroglancer.",
            details: sceneDetails,
            parameters: [
                ParameterSpec("segments", .ids, help: "IDs to select and show: a list, an integer, a string of IDs, a table with an id column, or a scene"),
                ParameterSpec("colors", ParameterType("colours"), help: "one colour for all, a list (one per segment), a record {ID: colour}, or labels {labels: [...]}"),
                ParameterSpec("groups", ParameterType("groups"), help: "a record {group: [IDs]} or one label per segment; each group becomes its own (hidden) layer"),
                ParameterSpec("hidden", .ids, help: "IDs to select but keep hidden"),
                ParameterSpec("position", .vector, range: .coordinate, help: "centre of the view (x, y, z) in voxels"),
                ParameterSpec("layout", .string, default: "xy-3d", help: "panel layout", choices: ViewerLayout.names),
                ParameterSpec("viewer", .string, default: "the dataset's", help: "spelunker, neuroglancer, or a viewer URL",
                              choices: ViewerBase.names.map(\.name)),
                ParameterSpec("points", ParameterType("annotations"), range: .coordinate, help: "point annotations [(x, y, z), ...] in voxels, or {layer: [...]}"),
                ParameterSpec("lines", ParameterType("annotations"), range: .coordinate, help: "line annotations [((x, y, z), (x, y, z)), ...] in voxels, or {layer: [...]}"),
                ParameterSpec("ellipsoids", ParameterType("annotations"), range: .coordinate, help: "ellipsoids [(x, y, z, radius), ...] in voxels, or {layer: [...]}"),
                ParameterSpec("skeleton", ParameterType("skeleton"), help: "{nodes: [(x, y, z), ...] in nm, edges: [(i, j), ...]} or a node_id/parent_id/x/y/z table; a list for several"),
                ParameterSpec("image", .bool, default: "true", help: "include the EM image layer"),
                ParameterSpec("segmentation", .bool, default: "true", help: "include the segmentation layer"),
                ParameterSpec("mesh", .bool, default: "true", help: "include the brain mesh layer (when the dataset has one)"),
                ParameterSpec("nuclei", .bool, default: "false", help: "include the nuclei segmentation layer"),
                ParameterSpec("merge_biased", .bool, default: "false", help: "include the merge-biased segmentation (for proofreading)"),
            ],
            positional: PositionalSpec("IDS", ParameterType("IDs or scene"),
                                       help: "IDs to select, or a scene to change (e.g. piped from decode)"),
            examples: [
                "scene segments=[576460752664524086, 576460752590602315] colors={576460752664524086: \"red\"} position=(24899, 14436, 3739)",
                "scene [576460752664524086, 576460752590602315] colors=[\"red\", \"#00ff88\"] layout=\"3d\"",
                "scene segments=ids groups={KC: [576460752664524086], PN: [576460752590602315]}",
                "scene segments=ids colors={labels: [\"KC\", \"PN\"]} viewer=neuroglancer",
                "scene points=[(24899, 14436, 3739), (24950, 14400, 3739)] lines=[((24899, 14436, 3739), (25000, 14500, 3739))]",
                "scene skeleton={nodes: [(199192, 115488, 157038), (199500, 115600, 157038)], edges: [(0, 1)]}",
                "decode \"https://spelunker.cave-explorer.org/#!{...}\" | scene segments=[576460752590602315] position=(25000, 14000, 3700)",
                "valid root ids | scene",
            ]
        ) { invocation in
            let arguments = try SceneArguments(invocation)
            let dataset = state.dataset
            if let start = arguments.start {
                let base = arguments.viewerBase ?? start.base
                do throws(SceneEditError) {
                    let edited = try start.state.edited(by: arguments.edit, dataset: dataset, viewerBase: base)
                    return .custom(SceneValue(state: edited, base: base))
                } catch {
                    throw SceneArguments.error(error, invocation)
                }
            }
            return .custom(SceneValue(state: try newScene(arguments, dataset: dataset, invocation: invocation),
                                      base: arguments.viewerBase ?? dataset.viewerBase))
        }
    }

    /// A scene built from scratch for `dataset`.
    static func newScene(_ arguments: SceneArguments, dataset: DatasetDescription, invocation: Invocation) throws -> ViewerState {
        var request = SceneRequest()
        request.image = arguments.image
        request.segmentation = arguments.segmentation
        request.brainMesh = arguments.mesh
        request.nuclei = arguments.nuclei ?? false
        request.mergeBiased = arguments.mergeBiased ?? false
        request.segments = arguments.segments
        request.hiddenSegments = arguments.hidden
        request.colors = arguments.colors
        request.groups = arguments.groups
        request.position = arguments.position
        request.layout = arguments.layout ?? "xy-3d"
        request.annotationLayers = arguments.annotations
        request.skeletons = arguments.skeletons
        do throws(SegmentCountMismatch) { try request.checkCounts() } catch { throw SceneArguments.error(error, invocation) }
        if let position = arguments.position, position.count != dataset.voxelSize.count {
            throw invocation.argumentError(
                "position", "position: dataset \(dataset.name) has \(dataset.voxelSize.count) dimensions, got \(position.count) coordinates")
        }
        var target = dataset
        if let base = arguments.viewerBase { target.viewerBase = base }
        return try request.build(for: target)
    }

    static let sceneDetails = """
        Builds a neuroglancer viewer state with the current dataset's layers (EM image, segmentation, \
        brain mesh when the dataset has one) and shows it as a link that opens in a new tab. The link \
        holds the whole state, so it works without any server; links longer than 8,000 characters \
        are flagged, as some browsers and servers cut long URLs.

        IDs (positional or segments=, hidden=) may be a list, an integer, a string of IDs, a variable, \
        a table with an id column (e.g. from valid or decode format=table), or a scene. A table with a \
        visible column keeps its hidden rows hidden.

        colors: one colour ("red", "#ff8800", (255, 136, 0)) for every segment; a list of colours, one \
        per segment in order; a record {576460752664524086: "red", ...}; or labels \
        {labels: ["KC", "PN", ...]} (or a list of integers), one per segment, each distinct label \
        getting its own palette colour.
        groups: a record {group: [IDs], ...} or a list of labels, one per segment; each group becomes a \
        hidden segmentation layer named after it (as crantpy's seg_groups), to switch on in the viewer; \
        the segments themselves stay shown in the main segmentation layer.
        position is in voxels of the dataset's voxel size; points, lines and ellipsoids too. \
        skeleton positions are in nanometres and are converted to voxels: a record \
        {nodes: [(x, y, z), ...], edges: [(0, 1), (1, 2), ...]} whose edges join node indices \
        (or parents: [-1, 0, 1, ...], one parent index per node, -1 for the root), with optional \
        name: "..." and segment: ID; or a table with node_id, parent_id, x, y, z columns (parent_id \
        -1 for the root); or a list of these for several skeletons.

        Given a scene (as the first argument or piped: decode "URL" | scene ...), the scene is changed \
        rather than rebuilt: segments and colours are added to its main segmentation layer, groups, \
        annotations and skeletons become new layers, position and layout replace its own, layer \
        switches remove (=false) or add (=true) layers, and everything else in it is kept.
        """
}
