import JSONModel

/// Three numbers along a stack's axes, or along the project's (which one is said where it is used).
public struct StackVector: Sendable, Hashable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    public subscript(axis: Int) -> Double {
        switch axis {
        case 0: x
        case 1: y
        default: z
        }
    }

    public var description: String { "(x: \(x.compact), y: \(y.compact), z: \(z.compact))" }
}

/// A voxel count or voxel position along a stack's axes.
public struct StackExtent: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var z: Int

    public init(x: Int, y: Int, z: Int) {
        self.x = x
        self.y = y
        self.z = z
    }

    public var description: String { "\(x) × \(y) × \(z)" }
}

/// One entry of `GET {server}/{project}/stacks`.
public struct StackSummary: Sendable, Hashable {
    public var id: Int
    public var projectID: Int
    public var title: String
    public var comment: String?

    public init(id: Int, projectID: Int, title: String, comment: String? = nil) {
        self.id = id
        self.projectID = projectID
        self.title = title
        self.comment = comment
    }
}

/// The colour CATMAID draws where there is no image data; read sections use its grey value as background.
public struct PlaceholderColor: Sendable, Hashable {
    /// Channels in 0…1, as CATMAID stores them.
    public var r: Double
    public var g: Double
    public var b: Double
    public var a: Double

    public init(r: Double, g: Double, b: Double, a: Double = 1) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    /// The 8-bit grey (Rec. 601 luma) that stands in for missing tiles in a gray8 section.
    public var gray8: UInt8 {
        func channel(_ value: Double) -> Int { Int(max(0, min(255, (value * 255).rounded()))) }
        return UInt8((299 * channel(r) + 587 * channel(g) + 114 * channel(b) + 500) / 1000)
    }
}

/// `GET {server}/{project}/stack/{id}/info`: a stack's geometry, scale pyramid and mirrors.
///
/// Geometry is in stack axes (see `StackOrientation`) except `translation`, which CATMAID keeps in
/// project axes. Keys this type does not model stay reachable through `raw`.
public struct StackInfo: Sendable, Equatable {
    public var id: Int
    public var projectID: Int
    public var projectTitle: String?
    public var title: String
    /// Voxels of zoom level 0 along stack x, y, z.
    public var dimension: StackExtent
    /// Nanometres per level-0 voxel along stack x, y, z.
    public var resolution: StackVector
    /// Project-space position (nm) of voxel (0, 0, 0), in project x, y, z.
    public var translation: StackVector
    /// Explicit per-level factors (level 0 first) when the stack lists them; nil means the
    /// 2^level default in stack x and y.
    public var downsampleFactors: [StackVector]?
    /// The highest zoom level, when the stack states one (CATMAID's 0 and -1 mean "not stated").
    public var numZoomLevels: Int?
    public var orientation: StackOrientation
    public var brokenSections: BrokenSections
    public var mirrors: [StackMirror]
    public var placeholderColor: PlaceholderColor?
    public var metadata: JSONValue?
    public var comment: String?
    public var description: String?
    public var attribution: String?
    /// A location (stack voxels) that should hold data, used by CATMAID to test mirrors.
    public var canaryLocation: StackExtent?
    /// The whole answer, for keys not modelled here.
    public var raw: JSONValue

    public init(id: Int, projectID: Int, projectTitle: String? = nil, title: String, dimension: StackExtent,
                resolution: StackVector, translation: StackVector = StackVector(x: 0, y: 0, z: 0),
                downsampleFactors: [StackVector]? = nil, numZoomLevels: Int? = nil,
                orientation: StackOrientation = .xy, brokenSections: BrokenSections = BrokenSections(),
                mirrors: [StackMirror] = [], placeholderColor: PlaceholderColor? = nil, metadata: JSONValue? = nil,
                comment: String? = nil, description: String? = nil, attribution: String? = nil,
                canaryLocation: StackExtent? = nil, raw: JSONValue = .null) {
        self.id = id
        self.projectID = projectID
        self.projectTitle = projectTitle
        self.title = title
        self.dimension = dimension
        self.resolution = resolution
        self.translation = translation
        self.downsampleFactors = downsampleFactors
        self.numZoomLevels = numZoomLevels
        self.orientation = orientation
        self.brokenSections = brokenSections
        self.mirrors = mirrors
        self.placeholderColor = placeholderColor
        self.metadata = metadata
        self.comment = comment
        self.description = description
        self.attribution = attribution
        self.canaryLocation = canaryLocation
        self.raw = raw
    }

    /// The grey value of missing data: the placeholder colour, else black.
    public var background: UInt8 { placeholderColor?.gray8 ?? 0 }
}

extension Double {
    /// `8` rather than `8.0`, for messages.
    var compact: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
