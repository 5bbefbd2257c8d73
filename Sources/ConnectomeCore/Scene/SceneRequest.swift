/// What a `scene` command asks for; `build(for:)` turns it into a `ViewerState` for a dataset.
///
/// Mirrors crantpy's `construct_scene` + `encode_url` (+ `add_annotation_layer`, `add_skeleton_layer`)
/// with three deliberate differences: hidden segments are written the way neuroglancer reads them
/// (`"!<id>"` inside `segments`, not crantpy's `hiddenSegments`, which no viewer reads); annotation
/// ids are hashes of their content rather than random UUIDs, so the same request always gives the
/// same link; and with groups, `segments` still show in the main segmentation layer (crantpy leaves
/// them to the hidden group layers only, so its grouped scene opens showing nothing). A scene edited
/// with `ViewerState.edited(by:dataset:viewerBase:)` follows the same rule, built by this builder.
public struct SceneRequest: Sendable {
    /// Optional layers: nil = include when the dataset has the source; true = required (an error
    /// when the dataset lacks it); false = leave out.
    public var image: Bool? = nil
    public var segmentation: Bool? = nil
    public var brainMesh: Bool? = nil
    public var nuclei: Bool? = false
    public var mergeBiased: Bool? = false

    /// Segments selected and shown, in order.
    public var segments: [SegmentID] = []
    /// Segments selected but hidden (written as `"!<id>"`).
    public var hiddenSegments: [SegmentID] = []
    public var colors: SegmentColoring? = nil
    public var groups: SegmentGrouping? = nil

    /// Where the view is centred, in voxels of the dataset's voxel size.
    public var position: [Double]? = nil
    public var layout: String = "xy-3d"
    /// crantpy writes `{"type": layout, "orthographicProjection": true}`; nil writes the plain name.
    public var orthographicProjection: Bool? = nil
    public var crossSectionScale: Double? = nil
    public var projectionScale: Double? = nil

    public var annotationLayers: [AnnotationRequest] = []
    public var skeletons: [SkeletonRequest] = []

    public init() {}
}

/// How segments are coloured.
public enum SegmentColoring: Sendable, Hashable {
    /// One colour for every segment.
    case single(String)
    /// One colour per segment, in the order of `segments`.
    case list([String])
    /// Colour by ID.
    case map([SegmentID: String])
    /// One label per segment; each distinct label gets a palette colour (tab10 up to 10 labels,
    /// tab20 up to 20, evenly spaced HLS hues beyond).
    case labels([String])
}

/// Extra segmentation layers, one per group, hidden, holding only that group's segments.
public enum SegmentGrouping: Sendable, Hashable {
    /// One group label per segment, in the order of `segments`.
    case labels([String])
    /// Named groups of IDs, in order.
    case groups([SegmentGroup])
}

public struct SegmentGroup: Sendable, Hashable {
    public var name: String
    public var segments: [SegmentID]
    public init(name: String, segments: [SegmentID]) {
        self.name = name
        self.segments = segments
    }
}

/// An annotation layer made from coordinate lists, in voxels.
public struct AnnotationRequest: Sendable, Hashable {
    public enum Shapes: Sendable, Hashable {
        /// (N, 3) points.
        case points([[Double]])
        /// (N, 2, 3) line segments.
        case lines([[[Double]]])
        /// (N, 4) centre + one radius, or (N, 6) centre + three radii.
        case ellipsoids([[Double]])
    }

    public var name: String?
    public var shapes: Shapes
    /// Optional description per annotation.
    public var descriptions: [String]? = nil
    /// Optional segment linked to each annotation (links the layer to the segmentation layer).
    public var segments: [SegmentID]? = nil

    public init(name: String? = nil, shapes: Shapes, descriptions: [String]? = nil, segments: [SegmentID]? = nil) {
        self.name = name
        self.shapes = shapes
        self.descriptions = descriptions
        self.segments = segments
    }
}

/// A skeleton drawn as line annotations: one line per edge, node positions in nanometres.
public struct SkeletonRequest: Sendable, Hashable {
    public struct Node: Sendable, Hashable {
        public var id: Int64
        /// x, y, z in nm.
        public var position: [Double]
        public init(id: Int64, position: [Double]) {
            self.id = id
            self.position = position
        }
    }

    public var name: String
    public var nodes: [Node]
    /// (child, parent) node-ID pairs.
    public var edges: [[Int64]]
    /// The neuron the skeleton belongs to, linked to every line.
    public var segment: SegmentID?

    public init(name: String, nodes: [Node], edges: [[Int64]], segment: SegmentID? = nil) {
        self.name = name
        self.nodes = nodes
        self.edges = edges
        self.segment = segment
    }

    /// From SWC-style rows `(node, parent, position)`; parent < 0 marks a root.
    public init(name: String, treeNodes: [(id: Int64, parent: Int64, position: [Double])], segment: SegmentID? = nil) {
        self.init(name: name, nodes: treeNodes.map { Node(id: $0.id, position: $0.position) },
                  edges: treeNodes.filter { $0.parent >= 0 }.map { [$0.id, $0.parent] }, segment: segment)
    }
}
