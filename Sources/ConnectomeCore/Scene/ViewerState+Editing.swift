extension ViewerState {
    /// This scene with `edit` applied, for `dataset` (its sources for layers switched on) and the
    /// viewer at `viewerBase`.
    ///
    /// The changes are built by `SceneRequest.build(for:)` against a dataset shaped like the scene
    /// (its segmentation source and voxel size) and merged in: new segments and colours go to the
    /// main segmentation layer (`mainSegmentationIndex`), group and annotation layers are appended
    /// under names not yet taken, and every layer and member the edit does not touch stays as it was.
    /// Where grouped segments go is the builder's rule, so an edited scene and a new one agree.
    public func edited(by edit: SceneEdit, dataset: DatasetDescription, viewerBase: String) throws(SceneEditError) -> ViewerState {
        var state = self
        try Self.scene { () throws(ConnectomeError) in try state.switchLayers(edit, dataset: dataset, viewerBase: viewerBase) }

        let mainIndex = state.mainSegmentationIndex
        let main = mainIndex.flatMap { state.layers[$0].segmentation }
        // A colour or label list without new segments colours the segments already shown.
        let targets = edit.segments.isEmpty && edit.colors != nil ? (main?.visibleSegments ?? []) : edit.segments
        let touchesSegments = !targets.isEmpty || !edit.hiddenSegments.isEmpty || edit.groups != nil

        var request = SceneRequest()
        request.image = false
        request.brainMesh = false
        request.nuclei = false
        request.mergeBiased = false
        request.segmentation = main != nil || touchesSegments
        request.segments = targets
        request.hiddenSegments = edit.hiddenSegments
        request.colors = edit.colors
        request.groups = edit.groups
        request.annotationLayers = edit.annotationLayers
        request.skeletons = edit.skeletons
        do throws(SegmentCountMismatch) { try request.checkCounts() } catch { throw .counts(error) }
        if touchesSegments, main == nil, dataset.segmentationURL == nil {
            throw .scene(ConnectomeError.argument(
                "the scene has no segmentation layer to add segments to, and dataset \(dataset.name) has no segmentation source",
                hint: "Switch to a dataset with segmentation (dataset crant), or leave segments out"))
        }

        var shape = dataset
        shape.viewerBase = viewerBase
        shape.imageLayers = []
        if let voxel = state.dimensions?.nanometres, voxel.count == 3, voxel.allSatisfy({ $0 > 0 }) {
            shape.voxelSize = voxel
        }
        if let main, let source = main.source.first { shape.segmentationURL = source.url }
        let built = try Self.scene { () throws(ConnectomeError) in try request.build(for: shape) }

        let mainName = main?.name ?? SceneRequest.segmentationLayerName
        var names = UniqueNames(style: .layer, taken: state.layers.map(\.name))
        for layer in built.layers {
            switch layer {
            case .segmentation(var segmentation) where segmentation.name == SceneRequest.segmentationLayerName:
                if let mainIndex, var existing = main {
                    existing.merge(segmentation)
                    state.layers[mainIndex] = .segmentation(existing)
                } else {
                    segmentation.name = names.claim(segmentation.name)
                    let after = state.layers.lastIndex { if case .image = $0 { return true } else { return false } }
                    state.layers.insert(.segmentation(segmentation), at: after.map { $0 + 1 } ?? 0)
                }
            case .segmentation(var group):
                if let main { group.source = main.source }
                group.name = names.claim(group.name)
                state.layers.append(.segmentation(group))
            case .annotation(var annotation):
                annotation.name = names.claim(annotation.name)
                if annotation.extra["linkedSegmentationLayer"] != nil {
                    annotation.extra["linkedSegmentationLayer"] = ["segments": .string(mainName)]
                }
                state.layers.append(.annotation(annotation))
            default:
                state.layers.append(layer)
            }
        }

        if let position = edit.position {
            let dimensions = state.dimensions?.dimensions.count ?? 3
            guard position.count == dimensions else { throw .position(given: position.count, dimensions: dimensions) }
            state.position = position
        }
        if let layout = edit.layout {
            state.layout = ViewerLayout(layout, orthographicProjection: state.layout?.orthographicProjection)
        }
        return state
    }

    /// The layer new segments go to: one named `segmentation`, else the selected one, else the first shown.
    public var mainSegmentationIndex: Int? {
        let candidates = layers.indices.filter { layers[$0].kind == "segmentation" }
        if let named = candidates.first(where: { layers[$0].name == SceneRequest.segmentationLayerName }) { return named }
        if let selected = selectedLayer?.layer, let index = candidates.first(where: { layers[$0].name == selected }) {
            return index
        }
        return candidates.first { layers[$0].isVisible } ?? candidates.first
    }

    // MARK: - Layer switches

    /// `image=false` removes image layers, `image=true` adds the dataset's when there is none; likewise
    /// for segmentation, mesh, nuclei and merge_biased.
    private mutating func switchLayers(_ edit: SceneEdit, dataset: DatasetDescription, viewerBase: String) throws(ConnectomeError) {
        typealias Switch = (wanted: Bool?, matches: (ViewerLayer) -> Bool, configure: (inout SceneRequest) -> Void)
        let switches: [Switch] = [
            (edit.image, { if case .image = $0 { return true } else { return false } }, { $0.image = true }),
            (edit.segmentation, { $0.kind == "segmentation" && !Self.isOptionalSegmentation($0.name) },
             { $0.segmentation = true }),
            (edit.brainMesh, { $0.kind == "mesh" }, { $0.brainMesh = true }),
            (edit.nuclei, { $0.name == SceneRequest.nucleiLayerName }, { $0.nuclei = true }),
            (edit.mergeBiased, { $0.name == SceneRequest.mergeBiasedLayerName }, { $0.mergeBiased = true }),
        ]
        for (wanted, matches, configure) in switches {
            switch wanted {
            case false?:
                layers.removeAll(where: matches)
            case true? where !layers.contains(where: matches):
                var request = SceneRequest()
                request.image = false
                request.segmentation = false
                request.brainMesh = false
                request.nuclei = false
                request.mergeBiased = false
                configure(&request)
                var source = dataset
                source.viewerBase = viewerBase
                let added = try request.build(for: source).layers
                if added.contains(where: { if case .image = $0 { return true } else { return false } }) {
                    layers.insert(contentsOf: added, at: 0)
                } else {
                    layers.append(contentsOf: added)
                }
            default:
                break
            }
        }
    }

    private static func isOptionalSegmentation(_ name: String) -> Bool {
        name == SceneRequest.nucleiLayerName || name == SceneRequest.mergeBiasedLayerName
    }

    /// `body`'s `ConnectomeError` as an edit's `.scene` error.
    private static func scene<T>(_ body: () throws(ConnectomeError) -> T) throws(SceneEditError) -> T {
        do throws(ConnectomeError) { return try body() } catch { throw .scene(error) }
    }
}

extension SegmentationLayer {
    /// Adds `changes`' selections (a segment already present takes the new visibility) and colours.
    mutating func merge(_ changes: SegmentationLayer) {
        var index: [SegmentID: Int] = [:]
        index.reserveCapacity(segments.count + changes.segments.count)
        for (offset, selection) in segments.enumerated() { index[selection.id] = offset }
        for selection in changes.segments {
            if let offset = index[selection.id] {
                segments[offset].visible = selection.visible
            } else {
                index[selection.id] = segments.count
                segments.append(selection)
            }
        }
        segmentColors.merge(changes.segmentColors) { _, new in new }
    }
}
