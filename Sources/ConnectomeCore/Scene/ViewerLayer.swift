import JSONModel

/// One entry of a neuroglancer state's `layers`.
///
/// The kinds we build and summarise are typed; any other `type` is kept whole as `.other`, so a
/// state from a newer viewer survives the round trip.
public enum ViewerLayer: Sendable, Hashable {
    case image(ImageLayer)
    case segmentation(SegmentationLayer)
    case annotation(AnnotationLayer)
    /// The single-mesh layer (`"type": "mesh"`, e.g. `vtk://` / `obj://` sources).
    case mesh(MeshLayer)
    case other(OtherLayer)

    public var name: String {
        get {
            switch self {
            case .image(let layer): return layer.name
            case .segmentation(let layer): return layer.name
            case .annotation(let layer): return layer.name
            case .mesh(let layer): return layer.name
            case .other(let layer): return layer.name
            }
        }
        set {
            switch self {
            case .image(var layer): layer.name = newValue; self = .image(layer)
            case .segmentation(var layer): layer.name = newValue; self = .segmentation(layer)
            case .annotation(var layer): layer.name = newValue; self = .annotation(layer)
            case .mesh(var layer): layer.name = newValue; self = .mesh(layer)
            case .other(var layer): layer.name = newValue; self = .other(layer)
            }
        }
    }

    /// What the layer shows: `image`, `segmentation`, `mesh` (a segmentation whose source is a mesh
    /// only, or a single-mesh layer), `annotation`, or the layer's own `type`.
    public var kind: String {
        switch self {
        case .image: return "image"
        case .segmentation(let layer): return layer.isMeshOnly ? "mesh" : "segmentation"
        case .annotation: return "annotation"
        case .mesh: return "mesh"
        case .other(let layer): return layer.type
        }
    }

    /// `visible` as neuroglancer reads it (absent = shown).
    public var isVisible: Bool {
        switch self {
        case .image(let layer): return layer.visible ?? true
        case .segmentation(let layer): return layer.visible ?? true
        case .annotation(let layer): return layer.visible ?? true
        case .mesh(let layer): return layer.visible ?? true
        case .other(let layer): return layer.json["visible"]?.boolValue ?? true
        }
    }

    public var segmentation: SegmentationLayer? {
        if case .segmentation(let layer) = self { return layer }
        return nil
    }

    public var annotationLayer: AnnotationLayer? {
        if case .annotation(let layer) = self { return layer }
        return nil
    }

    /// Reads one layer; `name` comes from the legacy object-of-layers form when the layer has none.
    init(json: JSONValue, path: String, name fallbackName: String? = nil) throws(ConnectomeError) {
        var reader = try JSONObjectReader(json, path: path)
        let type = try reader.string("type")
        let name = try reader.string("name") ?? fallbackName ?? ""
        switch type {
        case "image"?:
            self = .image(try ImageLayer(name: name, reader: &reader))
        case "segmentation"?, "segmentation_with_graph"?:
            self = .segmentation(try SegmentationLayer(name: name, reader: &reader))
        case "annotation"?, "pointAnnotation"?:
            self = .annotation(try AnnotationLayer(name: name, reader: &reader, legacyType: type == "pointAnnotation"))
        case "mesh"?:
            self = .mesh(try MeshLayer(name: name, reader: &reader))
        default:
            var rest = reader.rest
            rest["type"] = type.map(JSONValue.string)
            self = .other(OtherLayer(name: name, json: .object(rest)))
        }
    }

    var json: JSONValue {
        switch self {
        case .image(let layer): return layer.json
        case .segmentation(let layer): return layer.json
        case .annotation(let layer): return layer.json
        case .mesh(let layer): return layer.json
        case .other(let layer):
            var object = layer.json.objectValue ?? [:]
            object["name"] = .string(layer.name)
            return .object(object)
        }
    }
}

/// An image layer: EM or any other intensity volume.
public struct ImageLayer: Sendable, Hashable {
    public var name: String
    public var source: [DataSource]
    public var visible: Bool?
    public var opacity: Double?
    public var shader: String?
    /// Members we do not model (`tab`, `shaderControls`, `blend`, …).
    public var extra: [String: JSONValue]

    public init(name: String, source: [DataSource], visible: Bool? = nil, opacity: Double? = nil,
                shader: String? = nil, extra: [String: JSONValue] = [:]) {
        self.name = name
        self.source = source
        self.visible = visible
        self.opacity = opacity
        self.shader = shader
        self.extra = extra
    }

    init(name: String, reader: inout JSONObjectReader) throws(ConnectomeError) {
        self.name = name
        source = try DataSource.list(reader.take("source"), path: reader.member("source"))
        visible = try reader.bool("visible")
        opacity = try reader.double("opacity")
        shader = try reader.string("shader")
        extra = reader.rest
    }

    var json: JSONValue {
        var writer = JSONObjectWriter(extra)
        writer.set("type", "image")
        writer.set("name", name)
        writer.set("source", DataSource.json(source))
        writer.set("visible", visible)
        writer.set("opacity", opacity)
        writer.set("shader", shader)
        return writer.json
    }
}

/// neuroglancer's single-mesh layer (`"type": "mesh"`).
public struct MeshLayer: Sendable, Hashable {
    public var name: String
    public var source: [DataSource]
    public var visible: Bool?
    public var extra: [String: JSONValue]

    public init(name: String, source: [DataSource], visible: Bool? = nil, extra: [String: JSONValue] = [:]) {
        self.name = name
        self.source = source
        self.visible = visible
        self.extra = extra
    }

    init(name: String, reader: inout JSONObjectReader) throws(ConnectomeError) {
        self.name = name
        source = try DataSource.list(reader.take("source"), path: reader.member("source"))
        visible = try reader.bool("visible")
        extra = reader.rest
    }

    var json: JSONValue {
        var writer = JSONObjectWriter(extra)
        writer.set("type", "mesh")
        writer.set("name", name)
        writer.set("source", DataSource.json(source))
        writer.set("visible", visible)
        return writer.json
    }
}

/// A layer of a type we do not model, kept as read.
public struct OtherLayer: Sendable, Hashable {
    public var name: String
    /// The whole layer object (including `type`).
    public var json: JSONValue

    public init(name: String, json: JSONValue) {
        self.name = name
        self.json = json
    }

    public var type: String { json["type"]?.stringValue ?? "unknown" }
}
