import JSONModel

/// A selected segment: shown, or selected but hidden (neuroglancer's `"!<id>"` in `segments`).
public struct SegmentSelection: Sendable, Hashable {
    public var id: SegmentID
    public var visible: Bool

    public init(_ id: SegmentID, visible: Bool = true) {
        self.id = id
        self.visible = visible
    }

    /// `"<id>"` or `"!<id>"`.
    public var json: JSONValue { .string(visible ? id.description : "!" + id.description) }
}

/// A segmentation layer (precomputed or graphene), including mesh-only sources (`…#type=mesh`).
public struct SegmentationLayer: Sendable, Hashable {
    public var name: String
    public var source: [DataSource]
    public var visible: Bool?
    /// Selected segments in order; hidden ones carry `visible: false`.
    public var segments: [SegmentSelection]
    public var segmentColors: [SegmentID: RGBColor]
    public var segmentDefaultColor: RGBColor?
    public var objectAlpha: Double?
    public var colorSeed: Int64?
    public var segmentQuery: String?
    public var hideSegmentZero: Bool?
    public var selectedAlpha: Double?
    public var notSelectedAlpha: Double?
    public var saturation: Double?
    /// Members we do not model (`tab`, `equivalences`, `meshRenderScale`, `skeletonRendering`, …).
    public var extra: [String: JSONValue]

    public init(name: String, source: [DataSource], visible: Bool? = nil, segments: [SegmentSelection] = [],
                segmentColors: [SegmentID: RGBColor] = [:], extra: [String: JSONValue] = [:]) {
        self.name = name
        self.source = source
        self.visible = visible
        self.segments = segments
        self.segmentColors = segmentColors
        self.extra = extra
    }

    /// The IDs shown.
    public var visibleSegments: [SegmentID] { segments.lazy.filter(\.visible).map(\.id) }
    /// The IDs selected but hidden.
    public var hiddenSegments: [SegmentID] { segments.lazy.filter { !$0.visible }.map(\.id) }

    /// True when every source is a mesh-only source (`…#type=mesh` or `mesh` subsource only).
    public var isMeshOnly: Bool {
        !source.isEmpty && source.allSatisfy { $0.url.hasSuffix("#type=mesh") }
    }

    init(name: String, reader: inout JSONObjectReader) throws(ConnectomeError) {
        self.name = name
        source = try DataSource.list(reader.take("source"), path: reader.member("source"))
        visible = try reader.bool("visible")
        segments = []
        if let value = reader.take("segments") {
            segments = try Self.readSegments(value, path: reader.member("segments"))
        }
        // Some writers (crantpy) put hidden segments in a `hiddenSegments` list that neuroglancer
        // ignores; it stays in `extra` untouched, since neuroglancer would not show it either.
        segmentColors = [:]
        if let value = reader.take("segmentColors") {
            guard case .object(let object) = value else {
                throw reader.fail("segmentColors", value, expected: "an object of segment ID → colour")
            }
            segmentColors.reserveCapacity(object.count)
            for (key, colorValue) in object {
                let path = reader.member("segmentColors") + ".\(key)"
                let id: SegmentID
                do { id = try SegmentID(parsing: key) } catch {
                    throw ConnectomeError.data("viewer state: `\(path)`: \(error.message)")
                }
                guard let text = colorValue.stringValue else {
                    throw ConnectomeError.data("viewer state: `\(path)` is \(JSONObjectReader.show(colorValue)); expected a colour string")
                }
                do { segmentColors[id] = try RGBColor(parsing: text) } catch {
                    throw ConnectomeError.data("viewer state: `\(path)`: \(error.description)")
                }
            }
        }
        if let text = try reader.string("segmentDefaultColor") {
            do { segmentDefaultColor = try RGBColor(parsing: text) } catch {
                throw ConnectomeError.data("viewer state: `\(reader.member("segmentDefaultColor"))`: \(error.description)")
            }
        }
        objectAlpha = try reader.double("objectAlpha")
        colorSeed = try reader.int("colorSeed")
        segmentQuery = try reader.string("segmentQuery")
        hideSegmentZero = try reader.bool("hideSegmentZero")
        selectedAlpha = try reader.double("selectedAlpha")
        notSelectedAlpha = try reader.double("notSelectedAlpha")
        saturation = try reader.double("saturation")
        extra = reader.rest
    }

    static func readSegments(_ value: JSONValue, path: String) throws(ConnectomeError) -> [SegmentSelection] {
        guard case .array(let elements) = value else {
            throw ConnectomeError.data("viewer state: `\(path)` is \(JSONObjectReader.show(value)); expected a list of segment IDs")
        }
        var result: [SegmentSelection] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            do {
                if case .string(let text) = element, text.utf8.first == UInt8(ascii: "!") {
                    result.append(SegmentSelection(try SegmentID(parsing: String(text.dropFirst())), visible: false))
                } else {
                    result.append(SegmentSelection(try SegmentID(json: element)))
                }
            } catch {
                throw ConnectomeError.data("viewer state: `\(path)[\(index)]`: \(error.message)")
            }
        }
        return result
    }

    var json: JSONValue {
        var writer = JSONObjectWriter(extra)
        writer.set("type", "segmentation")
        writer.set("name", name)
        writer.set("source", DataSource.json(source))
        writer.set("visible", visible)
        if !segments.isEmpty { writer.set("segments", .array(segments.map(\.json))) }
        if !segmentColors.isEmpty {
            var colors: [String: JSONValue] = [:]
            colors.reserveCapacity(segmentColors.count)
            for (id, color) in segmentColors { colors[id.description] = .string(color.hex) }
            writer.set("segmentColors", .object(colors))
        }
        writer.set("segmentDefaultColor", segmentDefaultColor?.hex)
        writer.set("objectAlpha", objectAlpha)
        writer.set("colorSeed", colorSeed.map(JSONValue.int))
        writer.set("segmentQuery", segmentQuery)
        writer.set("hideSegmentZero", hideSegmentZero)
        writer.set("selectedAlpha", selectedAlpha)
        writer.set("notSelectedAlpha", notSelectedAlpha)
        writer.set("saturation", saturation)
        return writer.json
    }
}
