import JSONModel

/// A neuroglancer coordinate space: named dimensions with a scale and a unit, e.g. `x: [8e-9, "m"]`.
///
/// The JSON form is an object whose key order is the dimension order. `JSONValue` objects do not keep
/// key order, so reading orders `x`, `y`, `z` first and any other names after them alphabetically;
/// that is exact for every EM dataset, whose dimensions are `x, y, z`.
public struct CoordinateSpace: Sendable, Hashable {
    public struct Dimension: Sendable, Hashable {
        public var name: String
        public var scale: Double
        public var unit: String

        public init(name: String, scale: Double, unit: String) {
            self.name = name
            self.scale = scale
            self.unit = unit
        }
    }

    public var dimensions: [Dimension]

    public init(_ dimensions: [Dimension]) { self.dimensions = dimensions }

    /// `x, y, z` in metres from a voxel size in nanometres, as crantpy and neuroglancer's Python write it.
    public init(voxelSizeNanometres size: [Double]) {
        let names = ["x", "y", "z", "c", "t"]
        dimensions = size.enumerated().map { index, value in
            Dimension(name: index < names.count ? names[index] : "d\(index)", scale: value / 1e9, unit: "m")
        }
    }

    /// Scales in nanometres when the units are lengths (`m`, `nm`, `um`, …); nil otherwise.
    public var nanometres: [Double]? {
        let factors: [String: Double] = ["m": 1e9, "mm": 1e6, "um": 1e3, "µm": 1e3, "nm": 1, "pm": 1e-3]
        var result: [Double] = []
        for dimension in dimensions {
            guard let factor = factors[dimension.unit] else { return nil }
            result.append(dimension.scale * factor)
        }
        return result
    }

    init(json: JSONValue, path: String) throws(ConnectomeError) {
        guard case .object(let object) = json else {
            throw ConnectomeError.data("viewer state: `\(path)` is \(JSONObjectReader.show(json)); expected an object such as {\"x\": [8e-9, \"m\"], …}")
        }
        var result: [Dimension] = []
        for name in Self.ordered(object.keys) {
            let value = object[name]!
            guard case .array(let pair) = value, pair.count >= 2, let scale = pair[0].doubleValue,
                  let unit = pair[1].stringValue
            else {
                throw ConnectomeError.data("viewer state: `\(path).\(name)` is \(JSONObjectReader.show(value)); expected [scale, \"unit\"] such as [8e-9, \"m\"]")
            }
            result.append(Dimension(name: name, scale: scale, unit: unit))
        }
        dimensions = result
    }

    static func ordered(_ names: Dictionary<String, JSONValue>.Keys) -> [String] {
        let spatial = ["x", "y", "z"]
        return spatial.filter(names.contains) + names.filter { !spatial.contains($0) }.sorted()
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [:]
        for dimension in dimensions {
            object[dimension.name] = .array([.double(dimension.scale), .string(dimension.unit)])
        }
        return .object(object)
    }
}
