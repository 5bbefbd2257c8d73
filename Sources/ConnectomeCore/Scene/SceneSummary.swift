/// What a scene shows, at a glance: the `brief` of crantpy's `decode_url`, per layer.
public struct SceneSummary: Sendable, Hashable, CustomStringConvertible {
    public struct LayerSummary: Sendable, Hashable {
        public var name: String
        /// `image`, `segmentation`, `mesh`, `annotation` or the layer's own type.
        public var kind: String
        public var visible: Bool
        /// The first source URL, if any.
        public var source: String?
        /// Segments selected and shown.
        public var selectedSegments: Int
        /// Segments selected but hidden (`!id`).
        public var hiddenSegments: Int
        public var annotations: Int
    }

    public var position: [Double]?
    /// Voxel size in nm, from `dimensions`.
    public var voxelSize: [Double]?
    public var layout: String?
    public var layers: [LayerSummary]

    public var selectedSegments: Int { layers.reduce(0) { $0 + $1.selectedSegments } }
    public var hiddenSegments: Int { layers.reduce(0) { $0 + $1.hiddenSegments } }
    public var annotations: Int { layers.reduce(0) { $0 + $1.annotations } }

    public var description: String {
        var lines: [String] = []
        let where_ = position.map(NumberFormat.vector) ?? "not set"
        lines.append("position \(where_)" + (voxelSize.map { " voxels of " + $0.map(NumberFormat.plain).joined(separator: " × ") + " nm" } ?? ""))
        if let layout { lines.append("layout \(layout)") }
        for layer in layers {
            var parts = ["\(layer.name) (\(layer.kind)\(layer.visible ? "" : ", hidden"))"]
            if layer.kind == "segmentation" || layer.kind == "mesh" {
                parts.append("\(layer.selectedSegments) selected")
                if layer.hiddenSegments > 0 { parts.append("\(layer.hiddenSegments) hidden") }
            }
            if layer.kind == "annotation" { parts.append("\(layer.annotations) annotations") }
            lines.append("  " + parts.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// One row of a scene's segment table: crantpy's `decode_url(format="dataframe")`.
public struct SceneSegmentRow: Sendable, Hashable {
    public var segment: SegmentID
    public var layer: String
    /// False for `!id` (selected but hidden).
    public var visible: Bool
}

extension ViewerState {
    /// Position, layers with kind, selected and hidden segment counts, annotation counts.
    public var summary: SceneSummary {
        SceneSummary(
            position: position,
            voxelSize: dimensions?.nanometres,
            layout: layout?.type,
            layers: layers.map { layer in
                var summary = SceneSummary.LayerSummary(
                    name: layer.name, kind: layer.kind, visible: layer.isVisible, source: nil,
                    selectedSegments: 0, hiddenSegments: 0, annotations: 0)
                switch layer {
                case .segmentation(let segmentation):
                    summary.source = segmentation.source.first?.url
                    let hidden = segmentation.segments.reduce(0) { $0 + ($1.visible ? 0 : 1) }
                    summary.hiddenSegments = hidden
                    summary.selectedSegments = segmentation.segments.count - hidden
                case .image(let image): summary.source = image.source.first?.url
                case .mesh(let mesh): summary.source = mesh.source.first?.url
                case .annotation(let annotation):
                    summary.source = annotation.source.first?.url
                    summary.annotations = annotation.annotations.count
                case .other: break
                }
                return summary
            })
    }

    /// Every selected segment of every segmentation layer, in layer then selection order.
    public var segmentTable: [SceneSegmentRow] {
        var rows: [SceneSegmentRow] = []
        for case .segmentation(let layer) in layers {
            rows.reserveCapacity(rows.count + layer.segments.count)
            for selection in layer.segments {
                rows.append(SceneSegmentRow(segment: selection.id, layer: layer.name, visible: selection.visible))
            }
        }
        return rows
    }

    /// All IDs a scene holds (visible and hidden), for commands that take "a value that holds IDs".
    public var segmentIDs: [SegmentID] { segmentTable.map(\.segment) }
}
