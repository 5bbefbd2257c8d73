import Foundation
import JSONModel

/// The `info` of a neuroglancer precomputed skeleton source (`@type: neuroglancer_skeletons`).
///
/// `transform` maps stored vertex positions to nanometres (row-major 3 × 4); `vertexAttributes`
/// say what follows the edges in every skeleton blob, in order; `sharding` (optional) says the
/// blobs live in shard files keyed by segment ID.
public struct SkeletonInfo: Sendable, Equatable {
    /// The attribute types the format allows.
    public enum DataType: String, Sendable, CaseIterable {
        case float32, int8, uint8, int16, uint16, int32, uint32

        public var itemSize: Int {
            switch self {
            case .int8, .uint8: 1
            case .int16, .uint16: 2
            case .float32, .int32, .uint32: 4
            }
        }
    }

    public struct Attribute: Sendable, Equatable {
        public var id: String
        public var dataType: DataType
        public var components: Int

        public init(id: String, dataType: DataType, components: Int = 1) {
            self.id = id
            self.dataType = dataType
            self.components = components
        }
    }

    /// The identity transform: vertices stored in nanometres.
    public static let identity: [Double] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]
    /// The attribute the CAVE skeleton service and this kernel's writer store radii in.
    public static let radius = Attribute(id: "radius", dataType: .float32)

    public var transform: [Double]
    public var vertexAttributes: [Attribute]
    public var sharding: ShardingSpec?
    public var segmentProperties: String?

    public init(transform: [Double] = SkeletonInfo.identity, vertexAttributes: [Attribute] = [SkeletonInfo.radius],
                sharding: ShardingSpec? = nil, segmentProperties: String? = nil) {
        self.transform = transform
        self.vertexAttributes = vertexAttributes
        self.sharding = sharding
        self.segmentProperties = segmentProperties
    }

    /// Parses the bytes of a skeleton `info`; errors name the field and the bad value.
    public static func parse(_ data: Data, source: String = "skeletons/info") throws -> SkeletonInfo {
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw ConnectomeError.data("\(source) is not valid JSON: \(error)",
                                       hint: "Check that the URL points at a precomputed skeleton source's directory")
        }
        return try SkeletonInfo(json: json, source: source)
    }

    public init(json: JSONValue, source: String = "skeletons/info") throws {
        let reader = FieldReader(source: source)
        guard case .object = json else { throw reader.bad("the document", json, expected: "a JSON object") }
        let typeName = try reader.string(json, "@type")
        guard typeName == "neuroglancer_skeletons" else {
            throw ConnectomeError.data("\(source): @type is \"\(typeName)\", not neuroglancer_skeletons",
                                       hint: "A skeleton source's info must say \"@type\": \"neuroglancer_skeletons\"; check the URL")
        }
        var transform = Self.identity
        if let value = json["transform"], !value.isNull {
            let numbers = value.arrayValue?.compactMap(\.doubleValue) ?? []
            guard numbers.count == 12, value.arrayValue?.count == 12, numbers.allSatisfy(\.isFinite) else {
                throw reader.bad("transform", value, expected: "12 finite numbers (a row-major 3 × 4 matrix)")
            }
            transform = numbers
        }
        var attributes: [Attribute] = []
        if let value = json["vertex_attributes"], !value.isNull {
            guard let items = value.arrayValue else {
                throw reader.bad("vertex_attributes", value, expected: "an array of {id, data_type, num_components}")
            }
            for (index, item) in items.enumerated() {
                let field = "vertex_attributes[\(index)]"
                let id = try reader.string(item, "id", in: field)
                let typeName = try reader.string(item, "data_type", in: field)
                guard let dataType = DataType(rawValue: typeName) else {
                    throw reader.bad("\(field).data_type", item["data_type"],
                                     expected: "one of " + DataType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                let components = try reader.int(item, "num_components", in: field)
                guard (1...1024).contains(components) else {
                    throw reader.bad("\(field).num_components", item["num_components"], expected: "1 to 1024")
                }
                guard !attributes.contains(where: { $0.id == id }) else {
                    throw reader.bad("\(field).id", item["id"], expected: "an id not used by an earlier attribute")
                }
                attributes.append(Attribute(id: id, dataType: dataType, components: components))
            }
        }
        var sharding: ShardingSpec?
        if let value = json["sharding"], !value.isNull {
            sharding = try ShardingSpec(json: value, field: "sharding", reader: reader)
        }
        self.init(transform: transform, vertexAttributes: attributes, sharding: sharding,
                  segmentProperties: json["segment_properties"]?.stringValue)
    }

    /// The `info` document in neuroglancer's format (what the sample writer stores).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "@type": "neuroglancer_skeletons",
            "transform": .array(transform.map { $0.rounded() == $0 && abs($0) < 1e15 ? .int(Int64($0)) : .double($0) }),
            "vertex_attributes": .array(vertexAttributes.map {
                ["id": .string($0.id), "data_type": .string($0.dataType.rawValue), "num_components": .int(Int64($0.components))]
            }),
        ]
        if let sharding { object["sharding"] = sharding.json }
        if let segmentProperties { object["segment_properties"] = .string(segmentProperties) }
        return .object(object)
    }

    /// Bytes per vertex of all attributes together.
    var attributeBytesPerVertex: Int {
        vertexAttributes.reduce(0) { $0 + $1.dataType.itemSize * $1.components }
    }

    /// The mean length of the transform's columns: how much radii (stored-model units) scale to nm.
    var radiusScale: Double {
        var total = 0.0
        for column in 0..<3 {
            let a = transform[column], b = transform[4 + column], c = transform[8 + column]
            total += (a * a + b * b + c * c).squareRoot()
        }
        return total / 3
    }
}
