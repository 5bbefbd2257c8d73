import Foundation
import JSONModel

/// A neuroglancer viewer state as a value: what a scene link opens.
///
/// The fields we build and summarise are typed; every other member, at every level, stays in the
/// `extra` dictionaries, so a state read from a link and written again loses nothing we did not
/// understand. The URL is only an encoding of this value (`NeuroglancerURL`).
public struct ViewerState: Sendable, Hashable {
    public var dimensions: CoordinateSpace?
    /// Global position in voxels of `dimensions`.
    public var position: [Double]?
    public var crossSectionScale: Double?
    public var projectionScale: Double?
    public var projectionDepth: Double?
    public var layout: ViewerLayout?
    public var selectedLayer: SelectedLayer?
    public var showSlices: Bool?
    public var layers: [ViewerLayer]
    /// Members we do not model (`crossSectionOrientation`, `projectionOrientation`, `jsonStateServer`, …).
    public var extra: [String: JSONValue]

    public init(dimensions: CoordinateSpace? = nil, position: [Double]? = nil, crossSectionScale: Double? = nil,
                projectionScale: Double? = nil, projectionDepth: Double? = nil, layout: ViewerLayout? = nil,
                selectedLayer: SelectedLayer? = nil, showSlices: Bool? = nil, layers: [ViewerLayer] = [],
                extra: [String: JSONValue] = [:]) {
        self.dimensions = dimensions
        self.position = position
        self.crossSectionScale = crossSectionScale
        self.projectionScale = projectionScale
        self.projectionDepth = projectionDepth
        self.layout = layout
        self.selectedLayer = selectedLayer
        self.showSlices = showSlices
        self.layers = layers
        self.extra = extra
    }

    /// Reads a state as neuroglancer writes it, upgrading the old format (`navigation.pose`,
    /// `zoomFactor`, `perspectiveZoom`, layers as an object) to the modern members.
    public init(json: JSONValue) throws(ConnectomeError) {
        var reader = try JSONObjectReader(json, path: "")
        dimensions = try reader.take("dimensions").map { value throws(ConnectomeError) in
            try CoordinateSpace(json: value, path: "dimensions")
        }
        position = try reader.doubles("position")
        crossSectionScale = try reader.double("crossSectionScale")
        projectionScale = try reader.double("projectionScale")
        projectionDepth = try reader.double("projectionDepth")
        layout = try reader.take("layout").map { value throws(ConnectomeError) in try ViewerLayout(json: value, path: "layout") }
        selectedLayer = try reader.take("selectedLayer").map { value throws(ConnectomeError) in
            try SelectedLayer(json: value, path: "selectedLayer")
        }
        showSlices = try reader.bool("showSlices")
        layers = []
        switch reader.take("layers") {
        case .array(let elements)?:
            layers.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                layers.append(try ViewerLayer(json: element, path: "layers[\(index)]"))
            }
        case .object(let byName)?:
            // Old states keyed layers by name; key order is not kept by JSONValue, so sort.
            for name in byName.keys.sorted() {
                layers.append(try ViewerLayer(json: byName[name]!, path: "layers.\(name)", name: name))
            }
        case let value?:
            throw reader.fail("layers", value, expected: "a list of layers")
        case nil:
            break
        }
        extra = reader.rest
        try upgradeLegacyNavigation()
    }

    /// The state as JSON (IDs as decimal strings).
    public var json: JSONValue {
        var writer = JSONObjectWriter(extra)
        writer.set("dimensions", dimensions?.json)
        writer.set("position", position)
        writer.set("crossSectionScale", crossSectionScale)
        writer.set("projectionScale", projectionScale)
        writer.set("projectionDepth", projectionDepth)
        writer.set("layout", layout?.json)
        writer.set("selectedLayer", selectedLayer?.json)
        writer.set("showSlices", showSlices)
        writer.set("layers", .array(layers.map(\.json)))
        return writer.json
    }

    /// The first layer with this name.
    public func layer(named name: String) -> ViewerLayer? { layers.first { $0.name == name } }
}

// MARK: - Old format

extension ViewerState {
    /// Maps `navigation.pose.position.{voxelSize, voxelCoordinates}`, `navigation.pose.orientation`,
    /// `navigation.zoomFactor`, `perspectiveZoom` and `perspectiveOrientation` onto the modern members,
    /// converting zooms from nm per pixel the way neuroglancer does (÷ the smallest voxel size).
    mutating func upgradeLegacyNavigation() throws(ConnectomeError) {
        var voxelSize: [Double]?
        if let navigation = extra.removeValue(forKey: "navigation") {
            var nav = try JSONObjectReader(navigation, path: "navigation")
            if let poseValue = nav.take("pose") {
                var pose = try JSONObjectReader(poseValue, path: "navigation.pose")
                switch pose.take("position") {
                case let positionValue? where positionValue.arrayValue != nil:
                    let coordinates = try JSONObjectReader.doubles(positionValue, path: "navigation.pose.position")
                    if position == nil { position = coordinates }
                case let positionValue?:
                    var positionReader = try JSONObjectReader(positionValue, path: "navigation.pose.position")
                    voxelSize = try positionReader.doubles("voxelSize")
                    if let coordinates = try positionReader.doubles("voxelCoordinates"), position == nil {
                        position = coordinates
                    }
                case nil:
                    break
                }
                if let orientation = pose.take("orientation"), extra["crossSectionOrientation"] == nil {
                    extra["crossSectionOrientation"] = orientation
                }
            }
            let zoomFactor = try nav.double("zoomFactor")
            if dimensions == nil, let voxelSize { dimensions = CoordinateSpace(voxelSizeNanometres: voxelSize) }
            let canonical = dimensions?.nanometres?.prefix(3).min()
            if crossSectionScale == nil, let zoomFactor, let canonical, canonical > 0 {
                crossSectionScale = zoomFactor / canonical
            }
        }
        if let zoom = extra.removeValue(forKey: "perspectiveZoom")?.doubleValue, projectionScale == nil,
           let canonical = dimensions?.nanometres?.prefix(3).min(), canonical > 0
        {
            projectionScale = 2 * 100 * tan(Double.pi / 8) * zoom / canonical
        }
        if let orientation = extra.removeValue(forKey: "perspectiveOrientation"), extra["projectionOrientation"] == nil {
            extra["projectionOrientation"] = orientation
        }
    }
}
