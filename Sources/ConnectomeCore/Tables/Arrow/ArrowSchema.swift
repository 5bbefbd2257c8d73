/// The Arrow types the readers understand (those pandas and pyarrow write for tables), parsed
/// from `Schema.fbs`; anything else is kept by name so that the error can say what it was.
indirect enum ArrowType: Sendable, Equatable, CustomStringConvertible {
    case null
    case int(bitWidth: Int, signed: Bool)
    case floatingPoint(bits: Int)
    case utf8, largeUtf8, binary, largeBinary
    case bool
    case timestamp(TimeUnit, timeZone: String?)
    case date(days: Bool)
    case list, largeList
    case fixedSizeList(Int)
    case structure
    case other(String)

    var description: String {
        switch self {
        case .null: return "null"
        case .int(let bits, let signed): return "\(signed ? "int" : "uint")\(bits)"
        case .floatingPoint(let bits): return bits == 16 ? "halffloat" : bits == 32 ? "float" : "double"
        case .utf8: return "string"
        case .largeUtf8: return "large_string"
        case .binary: return "binary"
        case .largeBinary: return "large_binary"
        case .bool: return "bool"
        case .timestamp(let unit, let zone): return "timestamp[\(unit.rawValue)\(zone.map { ", tz=\($0)" } ?? "")]"
        case .date(let days): return days ? "date32" : "date64"
        case .list: return "list"
        case .largeList: return "large_list"
        case .fixedSizeList(let size): return "fixed_size_list[\(size)]"
        case .structure: return "struct"
        case .other(let name): return name
        }
    }
}

/// A field of an Arrow schema (`Field` in Schema.fbs).
struct ArrowField: Sendable, Equatable {
    var name: String
    var type: ArrowType
    var children: [ArrowField]
    /// Dictionary encoding: the dictionary's ID and the index type (the field's `type` is the value type).
    var dictionary: (id: Int64, indexBits: Int, indexSigned: Bool)?

    static func == (lhs: ArrowField, rhs: ArrowField) -> Bool {
        lhs.name == rhs.name && lhs.type == rhs.type && lhs.children == rhs.children
            && lhs.dictionary?.id == rhs.dictionary?.id && lhs.dictionary?.indexBits == rhs.dictionary?.indexBits
    }

    /// Field nodes this field occupies in a record batch (itself and its descendants, pre-order).
    var nodeCount: Int { 1 + children.reduce(0) { $0 + $1.nodeCount } }

    /// Buffers it occupies (Arrow's columnar format, "Buffer layout" per type).
    var bufferCount: Int {
        let own: Int
        if dictionary != nil {
            own = 2
        } else {
            switch type {
            case .null: own = 0
            case .utf8, .largeUtf8, .binary, .largeBinary: own = 3
            case .list, .largeList: own = 2
            case .fixedSizeList, .structure: own = 1
            default: own = 2
            }
        }
        return own + children.reduce(0) { $0 + $1.bufferCount }
    }
}

struct ArrowSchema: Sendable, Equatable {
    var fields: [ArrowField]

    /// Parses a `Schema` table; a big-endian schema is unsupported (every writer of interest is little-endian).
    init(_ table: FlatTable) throws(ArrowError) {
        if try table.i16(0) != 0 {
            throw ArrowError("the file is big-endian; only little-endian Arrow files are read", unsupported: true)
        }
        var fields: [ArrowField] = []
        if let vector = try table.vector(1, elementSize: 4) {
            for index in 0..<vector.count { fields.append(try Self.field(try vector.table(at: index))) }
        }
        self.fields = fields
    }

    private static func field(_ table: FlatTable) throws(ArrowError) -> ArrowField {
        let name = try table.string(0) ?? ""
        let typeID = try table.u8(2)
        let typeTable = try table.table(3)
        let type = try Self.type(typeID, typeTable)
        var dictionary: (Int64, Int, Bool)?
        if let encoding = try table.table(4) {
            let id = try encoding.i64(0)
            var bits = 32, signed = true
            if let indexType = try encoding.table(1) {
                bits = Int(try indexType.i32(0))
                signed = try indexType.bool(1)
            }
            guard [8, 16, 32, 64].contains(bits) else {
                throw ArrowError("column '\(name)' has dictionary indices of \(bits) bits; Arrow allows 8, 16, 32 or 64")
            }
            dictionary = (id, bits, signed)
        }
        var children: [ArrowField] = []
        if let vector = try table.vector(5, elementSize: 4) {
            for index in 0..<vector.count { children.append(try field(try vector.table(at: index))) }
        }
        return ArrowField(name: name, type: type, children: children, dictionary: dictionary)
    }

    private static let typeNames = [
        0: "NONE", 7: "decimal", 9: "time", 11: "interval", 14: "union", 15: "fixed_size_binary", 17: "map",
        18: "duration", 22: "run_end_encoded", 23: "binary_view", 24: "string_view", 25: "list_view", 26: "large_list_view",
    ]

    private static func type(_ id: UInt8, _ table: FlatTable?) throws(ArrowError) -> ArrowType {
        switch id {
        case 1: return .null
        case 2:
            let bits = Int(try table?.i32(0) ?? 0)
            guard [8, 16, 32, 64].contains(bits) else { throw ArrowError("an integer column has \(bits) bits; Arrow allows 8, 16, 32 or 64") }
            return .int(bitWidth: bits, signed: try table?.bool(1) ?? false)
        case 3:
            switch try table?.i16(0) ?? 0 {
            case 0: return .floatingPoint(bits: 16)
            case 1: return .floatingPoint(bits: 32)
            case 2: return .floatingPoint(bits: 64)
            case let other: throw ArrowError("a float column has precision \(other); Arrow defines 0, 1, 2")
            }
        case 4: return .binary
        case 5: return .utf8
        case 6: return .bool
        case 8: return .date(days: try table?.i16(0, default: 1) ?? 1 == 0)
        case 10:
            let units: [TimeUnit] = [.second, .millisecond, .microsecond, .nanosecond]
            let unit = Int(try table?.i16(0) ?? 0)
            guard units.indices.contains(unit) else { throw ArrowError("a timestamp column has time unit \(unit); Arrow defines 0 to 3") }
            return .timestamp(units[unit], timeZone: try table?.string(1))
        case 12: return .list
        case 13: return .structure
        case 16:
            let size = Int(try table?.i32(0) ?? 0)
            guard size >= 0 else { throw ArrowError("a fixed-size list has size \(size)") }
            return .fixedSizeList(size)
        case 19: return .largeBinary
        case 20: return .largeUtf8
        case 21: return .largeList
        default: return .other(typeNames[Int(id)] ?? "type \(id)")
        }
    }
}
