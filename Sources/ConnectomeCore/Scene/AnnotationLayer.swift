import JSONModel

/// An annotation layer holding its annotations in the state (`local://annotations`).
///
/// Two spellings are read: the modern `source: {url: "local://annotations", transform: …}` and the
/// legacy `voxelSize: [x, y, z]` (nm) that crantpy writes and neuroglancer still restores. Whichever
/// was read is written back.
public struct AnnotationLayer: Sendable, Hashable {
    public var name: String
    public var visible: Bool?
    /// The modern source (usually one `local://annotations` with a transform); empty in the legacy form.
    public var source: [DataSource]
    /// Legacy form: voxel size in nm that the annotation coordinates are in.
    public var voxelSize: [Double]?
    public var annotations: [Annotation]
    /// Members we do not model (`linkedSegmentationLayer`, `annotationProperties`, `shader`, `tab`, …).
    public var extra: [String: JSONValue]

    public init(name: String, visible: Bool? = nil, source: [DataSource] = [], voxelSize: [Double]? = nil,
                annotations: [Annotation] = [], extra: [String: JSONValue] = [:]) {
        self.name = name
        self.visible = visible
        self.source = source
        self.voxelSize = voxelSize
        self.annotations = annotations
        self.extra = extra
    }

    /// The modern local-annotations source whose coordinates are voxels of `dimensions`.
    public static func localSource(dimensions: CoordinateSpace) -> DataSource {
        DataSource(url: "local://annotations", extra: ["transform": .object(["outputDimensions": dimensions.json])])
    }

    init(name: String, reader: inout JSONObjectReader, legacyType: Bool = false) throws(ConnectomeError) {
        self.name = name
        visible = try reader.bool("visible")
        source = try DataSource.list(reader.take("source"), path: reader.member("source"))
        voxelSize = try reader.doubles("voxelSize")
        annotations = []
        if let value = reader.take("annotations") {
            guard case .array(let elements) = value else {
                throw reader.fail("annotations", value, expected: "a list of annotations")
            }
            annotations.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                annotations.append(try Annotation(json: element, path: reader.member("annotations") + "[\(index)]"))
            }
        }
        // The oldest form, `"type": "pointAnnotation"` with `points: [[x, y, z], …]`.
        if legacyType, case .array(let points)? = reader.take("points") {
            for (index, point) in points.enumerated() {
                let coordinates = try JSONObjectReader.doubles(point, path: reader.member("points") + "[\(index)]")
                annotations.append(Annotation(id: String(index), geometry: .point(coordinates)))
            }
        }
        extra = reader.rest
    }

    var json: JSONValue {
        var writer = JSONObjectWriter(extra)
        writer.set("type", "annotation")
        writer.set("name", name)
        writer.set("visible", visible)
        writer.set("source", DataSource.json(source))
        writer.set("voxelSize", voxelSize)
        writer.set("annotations", .array(annotations.map(\.json)))
        return writer.json
    }
}
