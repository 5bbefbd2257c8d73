/// A change to an existing scene (`decode "…" | scene segments=[…]`): what to add, what to switch.
///
/// `ViewerState.edited(by:dataset:viewerBase:)` applies it. The changes are built by the same
/// `SceneRequest` builder as a new scene and merged in, so a segment, a group or an annotation
/// layer added to a scene looks exactly like one in a scene built from scratch.
public struct SceneEdit: Sendable {
    /// Layer switches: false removes the layers of that kind, true adds the dataset's when the
    /// scene has none, nil leaves them as they are.
    public var image: Bool? = nil
    public var segmentation: Bool? = nil
    public var brainMesh: Bool? = nil
    public var nuclei: Bool? = nil
    public var mergeBiased: Bool? = nil

    /// Segments to select and show, added to the scene's main segmentation layer.
    public var segments: [SegmentID] = []
    /// Segments to select but keep hidden.
    public var hiddenSegments: [SegmentID] = []
    /// Colours for `segments`; without segments, for those the main layer already shows.
    public var colors: SegmentColoring? = nil
    /// New hidden layers, one per group.
    public var groups: SegmentGrouping? = nil
    public var annotationLayers: [AnnotationRequest] = []
    public var skeletons: [SkeletonRequest] = []

    /// Replaces the scene's position (in its own voxels) when given.
    public var position: [Double]? = nil
    /// Replaces the scene's layout (a name `ViewerLayout` knows) when given, keeping its projection.
    public var layout: String? = nil

    public init() {}
}

/// Why an edit could not be applied, told apart so the caller can point at the argument at fault.
public enum SceneEditError: Error, Sendable, Equatable {
    /// A colour, label or group-label list whose length does not match the segments it goes with.
    case counts(SegmentCountMismatch)
    /// `position` has `given` coordinates; the scene has `dimensions`.
    case position(given: Int, dimensions: Int)
    /// Anything else: the scene or the dataset cannot take the change.
    case scene(ConnectomeError)
}

/// A list in a scene request whose length does not match the segments it goes with.
///
/// Only the facts: the language words the message, naming the argument as the user wrote it.
public struct SegmentCountMismatch: Error, Sendable, Equatable {
    public enum List: Sendable, Equatable {
        /// `SegmentColoring.list`.
        case colors
        /// `SegmentColoring.labels`.
        case colorLabels
        /// `SegmentGrouping.labels`.
        case groupLabels
    }

    public var list: List
    public var given: Int
    public var segments: Int

    public init(list: List, given: Int, segments: Int) {
        self.list = list
        self.given = given
        self.segments = segments
    }
}

extension SceneRequest {
    /// Checks that per-segment colours, colour labels and group labels match `segments`, one each.
    public func checkCounts() throws(SegmentCountMismatch) {
        switch colors {
        case .list(let list) where list.count != segments.count:
            throw SegmentCountMismatch(list: .colors, given: list.count, segments: segments.count)
        case .labels(let labels) where labels.count != segments.count:
            throw SegmentCountMismatch(list: .colorLabels, given: labels.count, segments: segments.count)
        default: break
        }
        if case .labels(let labels) = groups, labels.count != segments.count {
            throw SegmentCountMismatch(list: .groupLabels, given: labels.count, segments: segments.count)
        }
    }
}
