import JSONModel

extension SceneRequest {
    /// Layer names the builder gives; group and annotation layers take the names asked for.
    public static let segmentationLayerName = "segmentation"
    public static let brainMeshLayerName = "brain mesh"
    public static let nucleiLayerName = "nuclei"
    public static let mergeBiasedLayerName = "merge-biased segmentation"

    /// The viewer state for `dataset`. Throws `ConnectomeError.argument` naming the bad input.
    public func build(for dataset: DatasetDescription) throws(ConnectomeError) -> ViewerState {
        let dimensions = CoordinateSpace(voxelSizeNanometres: dataset.voxelSize)
        var state = ViewerState(dimensions: dimensions, crossSectionScale: crossSectionScale,
                                projectionScale: projectionScale, showSlices: false)
        state.layout = try ViewerLayout(validating: layout, orthographicProjection: orthographicProjection)
        if let position {
            guard position.count == dataset.voxelSize.count else {
                throw ConnectomeError.argument(
                    "position has \(position.count) coordinates \(NumberFormat.vector(position)); the dataset has \(dataset.voxelSize.count) dimensions, so give (x, y, z) in voxels")
            }
            guard position.allSatisfy(\.isFinite) else {
                throw ConnectomeError.argument("position \(position) has a coordinate that is not a finite number")
            }
            state.position = position
        }

        // Image.
        if try include(image, available: !dataset.imageLayers.isEmpty, what: "image", dataset: dataset) {
            let first = dataset.imageLayers[0]
            state.layers.append(.image(ImageLayer(name: first.name, source: [DataSource(url: first.url)],
                                                  extra: ["tab": "source"])))
        }

        // Segmentation, with selected, hidden and coloured segments.
        let colors = try resolveColors()
        let groupList = try resolveGroups()
        let wantsSegmentation = try include(segmentation, available: dataset.segmentationURL != nil,
                                            what: "segmentation", dataset: dataset)
        if !wantsSegmentation, !(segments.isEmpty && hiddenSegments.isEmpty && groupList.isEmpty) {
            throw ConnectomeError.argument(
                "segments were given but the scene has no segmentation layer (dataset \(dataset.name) has \(dataset.segmentationURL == nil ? "no segmentation source" : "one, but segmentation=false was asked"))")
        }
        if wantsSegmentation, let url = dataset.segmentationURL {
            let source = segmentationSource(url: url, viewerBase: dataset.viewerBase)
            var layer = SegmentationLayer(name: Self.segmentationLayerName, source: [source], extra: ["tab": "segments"])
            // `segments` always show here, with or without groups (see `SceneRequest`).
            layer.segments = segments.map { SegmentSelection($0) } + hiddenSegments.map { SegmentSelection($0, visible: false) }
            layer.segmentColors = colors
            state.layers.append(.segmentation(layer))
            state.selectedLayer = SelectedLayer(layer: layer.name, visible: false)
            for group in groupList {
                var groupLayer = layer
                groupLayer.name = group.name
                groupLayer.visible = false
                groupLayer.segments = group.segments.map { SegmentSelection($0) }
                groupLayer.segmentColors = colors.filter { group.segments.contains($0.key) }
                state.layers.append(.segmentation(groupLayer))
            }
        }

        // Optional sources.
        if try include(brainMesh, available: dataset.brainMeshURL != nil, what: "brain mesh", dataset: dataset),
           let url = dataset.brainMeshURL
        {
            // crantpy's template: the tissue mesh, faint, segment "1" found and shown, no hover highlight.
            var layer = SegmentationLayer(name: Self.brainMeshLayerName, source: [DataSource(url: url)],
                                          segments: [SegmentSelection(1)], extra: ["tab": "segments", "hoverHighlight": false])
            layer.objectAlpha = 0.11
            layer.segmentQuery = "1"
            state.layers.append(.segmentation(layer))
        }
        if try include(mergeBiased, available: dataset.mergeBiasedURL != nil, what: "merge-biased segmentation", dataset: dataset),
           let url = dataset.mergeBiasedURL
        {
            state.layers.append(.segmentation(SegmentationLayer(name: Self.mergeBiasedLayerName, source: [DataSource(url: url)],
                                                                visible: false, extra: ["tab": "segments"])))
        }
        if try include(nuclei, available: dataset.nucleiURL != nil, what: "nuclei", dataset: dataset),
           let url = dataset.nucleiURL
        {
            state.layers.append(.segmentation(SegmentationLayer(name: Self.nucleiLayerName, source: [DataSource(url: url)],
                                                                visible: false, extra: ["tab": "source"])))
        }

        // Annotations and skeletons.
        var names = UniqueNames(style: .layer, taken: state.layers.map(\.name))
        for (index, request) in annotationLayers.enumerated() {
            let name = names.claim(request.name ?? "annotation\(index)")
            state.layers.append(.annotation(try annotationLayer(request, name: name, dimensions: dimensions,
                                                                linkTo: wantsSegmentation ? Self.segmentationLayerName : nil)))
        }
        for skeleton in skeletons {
            let name = names.claim(skeleton.name)
            state.layers.append(.annotation(try skeletonLayer(skeleton, name: name, dataset: dataset, dimensions: dimensions,
                                                              linkTo: wantsSegmentation ? Self.segmentationLayerName : nil)))
        }
        return state
    }

    /// `build(for:)` encoded as a link to the dataset's viewer.
    public func url(for dataset: DatasetDescription) throws(ConnectomeError) -> String {
        NeuroglancerURL.encode(try build(for: dataset), base: dataset.viewerBase)
    }

    // MARK: - Parts

    private func include(_ wanted: Bool?, available: Bool, what: String, dataset: DatasetDescription) throws(ConnectomeError) -> Bool {
        switch wanted {
        case false?: return false
        case nil: return available
        case true?:
            guard available else {
                throw ConnectomeError.argument("dataset \(dataset.name) has no \(what) source, so the scene cannot include one",
                                               hint: "Leave that layer out, or open a dataset that has it")
            }
            return true
        }
    }

    /// Spelunker wants graphene sources with the proofreading subsources spelled out (as crantpy's template).
    private func segmentationSource(url: String, viewerBase: String) -> DataSource {
        guard url.hasPrefix("graphene://"), ViewerBase.isSpelunker(viewerBase) else { return DataSource(url: url) }
        return DataSource(
            url: url,
            subsources: ["default": true, "graph": true, "bounds": true, "mesh": true],
            enableDefaultSubsources: false,
            extra: ["state": ["multicut": ["sinks": [], "sources": []], "merge": ["merges": []], "findPath": [:]]])
    }

    func resolveColors() throws(ConnectomeError) -> [SegmentID: RGBColor] {
        guard let colors else { return [:] }
        func parse(_ text: String, _ context: String) throws(ConnectomeError) -> RGBColor {
            do { return try RGBColor(parsing: text) } catch {
                throw ConnectomeError.argument("\(context): \(error.message)", hint: error.hint)
            }
        }
        var result: [SegmentID: RGBColor] = [:]
        switch colors {
        case .single(let text):
            let color = try parse(text, "colour")
            for id in segments { result[id] = color }
        case .list(let texts):
            guard texts.count == segments.count else {
                throw ConnectomeError.argument(
                    "\(texts.count) colours for \(segments.count) segments",
                    hint: "Give one colour per segment in order, one colour for all, or a map {ID: colour}")
            }
            for (index, (id, text)) in zip(segments, texts).enumerated() {
                result[id] = try parse(text, "colour \(index + 1) of the list")
            }
        case .map(let byID):
            for (id, text) in byID { result[id] = try parse(text, "colour of \(id)") }
        case .labels(let labels):
            guard labels.count == segments.count else {
                throw ConnectomeError.argument(
                    "\(labels.count) colour labels for \(segments.count) segments",
                    hint: "Give one label per segment, in the order of the segments")
            }
            let palette = Palette.colors(forLabels: labels)
            for (id, label) in zip(segments, labels) { result[id] = palette[label] }
        }
        return result
    }

    func resolveGroups() throws(ConnectomeError) -> [SegmentGroup] {
        switch groups {
        case nil: return []
        case .groups(let groups):
            for group in groups where group.name.isEmpty {
                throw ConnectomeError.argument("a segment group has an empty name; group names become layer names")
            }
            return groups
        case .labels(let labels):
            guard labels.count == segments.count else {
                throw ConnectomeError.argument(
                    "\(labels.count) group labels for \(segments.count) segments",
                    hint: "Give one group label per segment, in the order of the segments, or a map {group: [IDs]}")
            }
            var order: [String] = []
            var members: [String: [SegmentID]] = [:]
            for (id, label) in zip(segments, labels) {
                if members[label] == nil { order.append(label) }
                members[label, default: []].append(id)
            }
            return order.map { SegmentGroup(name: $0, segments: members[$0]!) }
        }
    }

    private func checkVector(_ vector: [Double], length: Int, _ what: String) throws(ConnectomeError) {
        guard vector.count == length else {
            throw ConnectomeError.argument(
                "\(what) has \(vector.count) numbers \(NumberFormat.vector(vector)); expected \(length)")
        }
        guard vector.allSatisfy(\.isFinite) else {
            throw ConnectomeError.argument("\(what) has a coordinate that is not a finite number")
        }
    }

    private func annotationLayer(_ request: AnnotationRequest, name: String, dimensions: CoordinateSpace,
                                 linkTo segmentationName: String?) throws(ConnectomeError) -> AnnotationLayer {
        var geometries: [AnnotationGeometry] = []
        switch request.shapes {
        case .points(let points):
            for (index, point) in points.enumerated() {
                try checkVector(point, length: 3, "point \(index + 1) of layer \"\(name)\"")
                geometries.append(.point(point))
            }
        case .lines(let lines):
            for (index, line) in lines.enumerated() {
                guard line.count == 2 else {
                    throw ConnectomeError.argument("line \(index + 1) of layer \"\(name)\" has \(line.count) points; a line is two points ((x, y, z), (x, y, z))")
                }
                try checkVector(line[0], length: 3, "the start of line \(index + 1) of layer \"\(name)\"")
                try checkVector(line[1], length: 3, "the end of line \(index + 1) of layer \"\(name)\"")
                geometries.append(.line(line[0], line[1]))
            }
        case .ellipsoids(let rows):
            for (index, row) in rows.enumerated() {
                guard row.count == 4 || row.count == 6 else {
                    throw ConnectomeError.argument(
                        "ellipsoid \(index + 1) of layer \"\(name)\" has \(row.count) numbers; give (x, y, z, radius) or (x, y, z, rx, ry, rz)")
                }
                try checkVector(row, length: row.count, "ellipsoid \(index + 1) of layer \"\(name)\"")
                let radii = row.count == 4 ? [row[3], row[3], row[3]] : Array(row[3...])
                geometries.append(.ellipsoid(center: Array(row[..<3]), radii: radii))
            }
        }
        if let descriptions = request.descriptions, descriptions.count != geometries.count {
            throw ConnectomeError.argument("layer \"\(name)\": \(descriptions.count) descriptions for \(geometries.count) annotations; give one per annotation")
        }
        if let segments = request.segments, segments.count != geometries.count {
            throw ConnectomeError.argument("layer \"\(name)\": \(segments.count) linked segments for \(geometries.count) annotations; give one per annotation")
        }
        var annotations: [Annotation] = []
        annotations.reserveCapacity(geometries.count)
        for (index, geometry) in geometries.enumerated() {
            annotations.append(Annotation(
                id: AnnotationID.make(layer: name, index: index, geometry: geometry),
                geometry: geometry,
                description: request.descriptions?[index],
                segments: request.segments.map { [[$0[index]]] } ?? []))
        }
        var extra: [String: JSONValue] = ["tab": "annotations"]
        if request.segments != nil, let segmentationName { extra["linkedSegmentationLayer"] = ["segments": .string(segmentationName)] }
        return AnnotationLayer(name: name, source: [AnnotationLayer.localSource(dimensions: dimensions)],
                               annotations: annotations, extra: extra)
    }

    private func skeletonLayer(_ skeleton: SkeletonRequest, name: String, dataset: DatasetDescription,
                               dimensions: CoordinateSpace, linkTo segmentationName: String?) throws(ConnectomeError) -> AnnotationLayer {
        let voxel = dataset.voxelSize
        guard voxel.count == 3, voxel.allSatisfy({ $0 > 0 }) else {
            throw ConnectomeError.argument("dataset \(dataset.name) has voxel size \(voxel); skeletons need three positive sizes in nm")
        }
        var positions: [Int64: [Double]] = [:]
        positions.reserveCapacity(skeleton.nodes.count)
        for node in skeleton.nodes {
            try checkVector(node.position, length: 3, "node \(node.id) of skeleton \"\(skeleton.name)\"")
            positions[node.id] = [node.position[0] / voxel[0], node.position[1] / voxel[1], node.position[2] / voxel[2]]
        }
        var annotations: [Annotation] = []
        annotations.reserveCapacity(skeleton.edges.count)
        for (index, edge) in skeleton.edges.enumerated() {
            guard edge.count == 2 else {
                throw ConnectomeError.argument("edge \(index + 1) of skeleton \"\(skeleton.name)\" has \(edge.count) node IDs; an edge is (child, parent)")
            }
            guard let a = positions[edge[0]] else {
                throw ConnectomeError.argument("edge \(index + 1) of skeleton \"\(skeleton.name)\" names node \(edge[0]), which is not among its \(skeleton.nodes.count) nodes")
            }
            guard let b = positions[edge[1]] else {
                throw ConnectomeError.argument("edge \(index + 1) of skeleton \"\(skeleton.name)\" names node \(edge[1]), which is not among its \(skeleton.nodes.count) nodes")
            }
            let geometry = AnnotationGeometry.line(a, b)
            annotations.append(Annotation(id: AnnotationID.make(layer: name, index: index, geometry: geometry),
                                          geometry: geometry, segments: skeleton.segment.map { [[$0]] } ?? []))
        }
        var extra: [String: JSONValue] = ["tab": "annotations"]
        if skeleton.segment != nil, let segmentationName { extra["linkedSegmentationLayer"] = ["segments": .string(segmentationName)] }
        return AnnotationLayer(name: name, source: [AnnotationLayer.localSource(dimensions: dimensions)],
                               annotations: annotations, extra: extra)
    }
}

/// Content-derived annotation ids: reproducible links, unlike crantpy's `uuid4()`.
enum AnnotationID {
    /// 16 hex digits of FNV-1a over the layer name, the index and the coordinates' bit patterns.
    static func make(layer: String, index: Int, geometry: AnnotationGeometry) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        func mix64(_ value: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { mix(UInt8(truncatingIfNeeded: value >> UInt64(shift))) } }
        for byte in layer.utf8 { mix(byte) }
        mix(0)
        mix64(UInt64(index))
        for byte in geometry.type.utf8 { mix(byte) }
        switch geometry {
        case .point(let p): p.forEach { mix64($0.bitPattern) }
        case .line(let a, let b), .axisAlignedBox(let a, let b): (a + b).forEach { mix64($0.bitPattern) }
        case .ellipsoid(let c, let r): (c + r).forEach { mix64($0.bitPattern) }
        case .polyline(let points): points.joined().forEach { mix64($0.bitPattern) }
        case .other: break
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension SceneRequest {
    /// One link per neuron (crantpy's `neurons_to_url`): this request with only that segment selected,
    /// plus its skeleton when one is given. Rows in the order of `segments`.
    public func linksPerNeuron(_ segments: [SegmentID], skeletons: [SegmentID: SkeletonRequest] = [:],
                               for dataset: DatasetDescription) throws(ConnectomeError) -> [(segment: SegmentID, url: String)] {
        var rows: [(segment: SegmentID, url: String)] = []
        rows.reserveCapacity(segments.count)
        for segment in segments {
            var single = self
            single.segments = [segment]
            single.groups = nil
            if case .list = single.colors { single.colors = nil }
            if case .labels = single.colors { single.colors = nil }
            if let skeleton = skeletons[segment] { single.skeletons = [skeleton] }
            rows.append((segment, try single.url(for: dataset)))
        }
        return rows
    }
}
