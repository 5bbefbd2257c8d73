import CommandLanguage
import ConnectomeCore
import JSONModel

/// Applies a `scene` call to an existing scene (`decode "…" | scene segments=[…]`).
///
/// The changes are built by the same `SceneRequest` builder as a new scene, against a dataset shaped
/// like the scene (its segmentation source and voxel size), and merged in: new segments and colours
/// go to the scene's main segmentation layer, group and annotation layers are appended, and every
/// layer and member the call does not touch stays as it was.
struct SceneEditing {
    let arguments: SceneArguments
    let dataset: DatasetDescription
    let base: String
    let invocation: Invocation

    func apply(to original: ViewerState) throws -> ViewerState {
        var state = original
        try switchLayers(&state)

        let mainIndex = Self.mainSegmentationIndex(in: state)
        let main = mainIndex.flatMap { state.layers[$0].segmentation }
        // A colour or label list without new segments colours the segments already shown.
        let targets = arguments.segments.isEmpty && arguments.colors != nil ? (main?.visibleSegments ?? []) : arguments.segments
        try arguments.checkCounts(against: targets, invocation)
        let touchesSegments = !targets.isEmpty || !arguments.hidden.isEmpty || arguments.groups != nil
        if touchesSegments, main == nil, dataset.segmentationURL == nil {
            throw ConnectomeError.argument(
                "the scene has no segmentation layer to add segments to, and dataset \(dataset.name) has no segmentation source",
                hint: "Switch to a dataset with segmentation (dataset crant), or leave segments out")
        }

        var request = SceneRequest()
        request.image = false
        request.brainMesh = false
        request.nuclei = false
        request.mergeBiased = false
        request.segmentation = main != nil || touchesSegments
        request.segments = targets
        request.hiddenSegments = arguments.hidden
        request.colors = arguments.colors
        request.groups = arguments.groups
        request.annotationLayers = arguments.annotations
        request.skeletons = arguments.skeletons
        var shape = dataset
        shape.viewerBase = base
        shape.imageLayers = []
        if let voxel = state.dimensions?.nanometres, voxel.count == 3, voxel.allSatisfy({ $0 > 0 }) {
            shape.voxelSize = voxel
        }
        if let main, let source = main.source.first { shape.segmentationURL = source.url }
        var built = try request.build(for: shape)
        SceneCommands.keepSegmentsInMainLayer(&built, arguments)

        let mainName = main?.name ?? SceneRequest.segmentationLayerName
        var usedNames = Set(state.layers.map(\.name))
        for layer in built.layers {
            switch layer {
            case .segmentation(var segmentation) where segmentation.name == SceneRequest.segmentationLayerName:
                if let mainIndex, var existing = main {
                    Self.merge(segmentation, into: &existing)
                    state.layers[mainIndex] = .segmentation(existing)
                } else {
                    segmentation.name = Self.unique(segmentation.name, &usedNames)
                    let after = state.layers.lastIndex { if case .image = $0 { return true } else { return false } }
                    state.layers.insert(.segmentation(segmentation), at: after.map { $0 + 1 } ?? 0)
                }
            case .segmentation(var group):
                if let main { group.source = main.source }
                group.name = Self.unique(group.name, &usedNames)
                state.layers.append(.segmentation(group))
            case .annotation(var annotation):
                annotation.name = Self.unique(annotation.name, &usedNames)
                if annotation.extra["linkedSegmentationLayer"] != nil {
                    annotation.extra["linkedSegmentationLayer"] = ["segments": .string(mainName)]
                }
                state.layers.append(.annotation(annotation))
            default:
                state.layers.append(layer)
            }
        }

        if let position = arguments.position {
            let dimensions = state.dimensions?.dimensions.count ?? 3
            guard position.count == dimensions else {
                throw invocation.argumentError("position", "position: the scene has \(dimensions) dimensions, got \(position.count) coordinates")
            }
            state.position = position
        }
        if let layout = arguments.layout {
            state.layout = ViewerLayout(layout, orthographicProjection: state.layout?.orthographicProjection)
        }
        return state
    }

    /// The layer new segments go to: one named `segmentation`, else the selected one, else the first shown.
    static func mainSegmentationIndex(in state: ViewerState) -> Int? {
        let candidates = state.layers.indices.filter { state.layers[$0].kind == "segmentation" }
        if let named = candidates.first(where: { state.layers[$0].name == SceneRequest.segmentationLayerName }) { return named }
        if let selected = state.selectedLayer?.layer, let index = candidates.first(where: { state.layers[$0].name == selected }) {
            return index
        }
        return candidates.first { state.layers[$0].isVisible } ?? candidates.first
    }

    /// Adds `changes`' selections (a segment already present takes the new visibility) and colours.
    static func merge(_ changes: SegmentationLayer, into layer: inout SegmentationLayer) {
        var index: [SegmentID: Int] = [:]
        index.reserveCapacity(layer.segments.count + changes.segments.count)
        for (offset, selection) in layer.segments.enumerated() { index[selection.id] = offset }
        for selection in changes.segments {
            if let offset = index[selection.id] {
                layer.segments[offset].visible = selection.visible
            } else {
                index[selection.id] = layer.segments.count
                layer.segments.append(selection)
            }
        }
        layer.segmentColors.merge(changes.segmentColors) { _, new in new }
    }

    // MARK: - Layer switches

    /// `image=false` removes image layers, `image=true` adds the dataset's when there is none; likewise
    /// for segmentation, mesh, nuclei and merge_biased.
    private func switchLayers(_ state: inout ViewerState) throws {
        typealias Switch = (wanted: Bool?, matches: (ViewerLayer) -> Bool, configure: (inout SceneRequest) -> Void)
        let switches: [Switch] = [
            (arguments.image, { if case .image = $0 { return true } else { return false } }, { $0.image = true }),
            (arguments.segmentation, { $0.kind == "segmentation" && !Self.isOptionalSegmentation($0.name) },
             { $0.segmentation = true }),
            (arguments.mesh, { $0.kind == "mesh" }, { $0.brainMesh = true }),
            (arguments.nuclei, { $0.name == SceneRequest.nucleiLayerName }, { $0.nuclei = true }),
            (arguments.mergeBiased, { $0.name == SceneRequest.mergeBiasedLayerName }, { $0.mergeBiased = true }),
        ]
        for (wanted, matches, configure) in switches {
            switch wanted {
            case false?:
                state.layers.removeAll(where: matches)
            case true? where !state.layers.contains(where: matches):
                var request = SceneRequest()
                request.image = false
                request.segmentation = false
                request.brainMesh = false
                request.nuclei = false
                request.mergeBiased = false
                configure(&request)
                var source = dataset
                source.viewerBase = base
                let layers = try request.build(for: source).layers
                if layers.contains(where: { if case .image = $0 { return true } else { return false } }) {
                    state.layers.insert(contentsOf: layers, at: 0)
                } else {
                    state.layers.append(contentsOf: layers)
                }
            default:
                break
            }
        }
    }

    private static func isOptionalSegmentation(_ name: String) -> Bool {
        name == SceneRequest.nucleiLayerName || name == SceneRequest.mergeBiasedLayerName
    }

    static func unique(_ base: String, _ used: inout Set<String>) -> String {
        var name = base
        var counter = 2
        while used.contains(name) {
            name = "\(base) \(counter)"
            counter += 1
        }
        used.insert(name)
        return name
    }
}
