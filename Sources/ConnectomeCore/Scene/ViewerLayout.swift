import JSONModel

/// The panel arrangement: a name (`xy-3d`, `4panel`, …) or `{type, orthographicProjection}`.
///
/// Nested layouts (`row`, `column`, `viewer`) are read and kept in `extra`; only the builder insists
/// on one of the standard names.
public struct ViewerLayout: Sendable, Hashable {
    /// The standard single-viewer layouts neuroglancer knows.
    public static let names = ["xy", "yz", "xz", "xy-3d", "yz-3d", "xz-3d", "4panel", "4panel-alt", "3d"]

    public var type: String
    public var orthographicProjection: Bool?
    public var extra: [String: JSONValue]

    public init(_ type: String, orthographicProjection: Bool? = nil, extra: [String: JSONValue] = [:]) {
        self.type = type
        self.orthographicProjection = orthographicProjection
        self.extra = extra
    }

    /// A standard layout by name, with the nearest name suggested when it is not one.
    public init(validating name: String, orthographicProjection: Bool? = nil) throws(ConnectomeError) {
        let lower = name.lowercased()
        guard Self.names.contains(lower) else {
            let nearest = Self.names.min { editDistance(lower.utf8, $0.utf8) < editDistance(lower.utf8, $1.utf8) } ?? "xy-3d"
            throw ConnectomeError.argument(
                "\"\(name)\" is not a neuroglancer layout",
                hint: "Did you mean \"\(nearest)\"? Layouts are \(Self.names.joined(separator: ", "))")
        }
        self.init(lower, orthographicProjection: orthographicProjection)
    }

    init(json: JSONValue, path: String) throws(ConnectomeError) {
        if case .string(let name) = json {
            self.init(name)
            return
        }
        var reader = try JSONObjectReader(json, path: path)
        guard let type = try reader.string("type") else {
            throw ConnectomeError.data("viewer state: `\(path)` has no `type`; a layout is a name such as \"xy-3d\" or {\"type\": \"xy-3d\"}")
        }
        self.init(type, orthographicProjection: try reader.bool("orthographicProjection"), extra: reader.rest)
    }

    var json: JSONValue {
        if orthographicProjection == nil, extra.isEmpty { return .string(type) }
        var writer = JSONObjectWriter(extra)
        writer.set("type", type)
        writer.set("orthographicProjection", orthographicProjection)
        return writer.json
    }
}

/// Which layer's side panel is open (`selectedLayer`).
public struct SelectedLayer: Sendable, Hashable {
    public var layer: String?
    public var visible: Bool?
    public var extra: [String: JSONValue]

    public init(layer: String?, visible: Bool? = nil, extra: [String: JSONValue] = [:]) {
        self.layer = layer
        self.visible = visible
        self.extra = extra
    }

    init(json: JSONValue, path: String) throws(ConnectomeError) {
        var reader = try JSONObjectReader(json, path: path)
        layer = try reader.string("layer")
        visible = try reader.bool("visible")
        extra = reader.rest
    }

    var json: JSONValue {
        var writer = JSONObjectWriter(extra)
        writer.set("layer", layer)
        writer.set("visible", visible)
        return writer.json
    }
}
