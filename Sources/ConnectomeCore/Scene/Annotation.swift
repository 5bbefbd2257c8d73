import JSONModel

/// The shape of one annotation, coordinates in the layer's voxel units.
public enum AnnotationGeometry: Sendable, Hashable {
    case point([Double])
    case line([Double], [Double])
    case axisAlignedBox([Double], [Double])
    case ellipsoid(center: [Double], radii: [Double])
    case polyline([[Double]])
    /// A type we do not model; its members stay in the annotation's `extra`.
    case other(type: String)

    /// neuroglancer's `type` string.
    public var type: String {
        switch self {
        case .point: return "point"
        case .line: return "line"
        case .axisAlignedBox: return "axis_aligned_bounding_box"
        case .ellipsoid: return "ellipsoid"
        case .polyline: return "polyline"
        case .other(let type): return type
        }
    }
}

/// One record of an annotation layer.
public struct Annotation: Sendable, Hashable {
    public var id: String
    public var geometry: AnnotationGeometry
    public var description: String?
    /// Linked segments, one list per relationship (neuroglancer `segments: [["<id>", …]]`).
    public var segments: [[SegmentID]]
    /// Members we do not model (`props`, `tagIds`, …).
    public var extra: [String: JSONValue]

    public init(id: String, geometry: AnnotationGeometry, description: String? = nil, segments: [[SegmentID]] = [],
                extra: [String: JSONValue] = [:]) {
        self.id = id
        self.geometry = geometry
        self.description = description
        self.segments = segments
        self.extra = extra
    }

    init(json: JSONValue, path: String) throws(ConnectomeError) {
        var reader = try JSONObjectReader(json, path: path)
        let type = try reader.string("type") ?? "point"
        id = try reader.string("id") ?? ""
        description = try reader.string("description")
        func vector(_ key: String) throws(ConnectomeError) -> [Double] {
            guard let value = try reader.doubles(key) else {
                throw ConnectomeError.data("viewer state: `\(path)` is a \(type) annotation without `\(key)`")
            }
            return value
        }
        switch type {
        case "point":
            geometry = .point(try vector("point"))
        case "line":
            geometry = .line(try vector("pointA"), try vector("pointB"))
        case "axis_aligned_bounding_box":
            geometry = .axisAlignedBox(try vector("pointA"), try vector("pointB"))
        case "ellipsoid":
            geometry = .ellipsoid(center: try vector("center"), radii: try vector("radii"))
        case "polyline":
            guard case .array(let points)? = reader.take("points") else {
                throw ConnectomeError.data("viewer state: `\(path)` is a polyline annotation without a `points` list")
            }
            var result: [[Double]] = []
            for (index, point) in points.enumerated() {
                result.append(try JSONObjectReader.doubles(point, path: "\(path).points[\(index)]"))
            }
            geometry = .polyline(result)
        default:
            geometry = .other(type: type)
        }
        segments = []
        if let value = reader.take("segments") {
            segments = try Self.readSegments(value, path: reader.member("segments"))
        }
        extra = reader.rest
    }

    /// Reads `[["1","2"], ["3"]]` and the older flat `["1","2"]` (one relationship).
    static func readSegments(_ value: JSONValue, path: String) throws(ConnectomeError) -> [[SegmentID]] {
        guard case .array(let elements) = value else {
            throw ConnectomeError.data("viewer state: `\(path)` is \(JSONObjectReader.show(value)); expected a list of segment ID lists")
        }
        if elements.isEmpty { return [] }
        do {
            if elements.allSatisfy({ $0.arrayValue != nil }) {
                return try elements.map { element throws(ConnectomeError) in try SegmentID.parse(element) }
            }
            return [try SegmentID.parse(value)]
        } catch {
            throw ConnectomeError.data("viewer state: `\(path)`: \(error.message)")
        }
    }

    var json: JSONValue {
        var writer = JSONObjectWriter(extra)
        writer.set("type", geometry.type)
        writer.set("id", id)
        writer.set("description", description)
        switch geometry {
        case .point(let point):
            writer.set("point", point)
        case .line(let a, let b), .axisAlignedBox(let a, let b):
            writer.set("pointA", a)
            writer.set("pointB", b)
        case .ellipsoid(let center, let radii):
            writer.set("center", center)
            writer.set("radii", radii)
        case .polyline(let points):
            writer.set("points", .array(points.map(JSONValue.numbers)))
        case .other:
            break
        }
        if !segments.isEmpty {
            writer.set("segments", .array(segments.map { .array($0.map(\.json)) }))
        }
        return writer.json
    }
}
