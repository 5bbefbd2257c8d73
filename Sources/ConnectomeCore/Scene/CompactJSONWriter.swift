import JSONModel

/// Writes JSON the way Python's `json.dumps(state, separators=(",", ":"))` does — compact, ASCII only
/// (`\uXXXX` for anything else), floats in shortest round-trip form — with keys sorted so that the
/// same state always gives the same link.
///
/// Coordinate-space objects (`dimensions`, `outputDimensions`, `inputDimensions`) are the exception:
/// their key order is the dimension order, so `x`, `y`, `z` come first.
struct CompactJSONWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    static func serialize(_ value: JSONValue) -> [UInt8] {
        var writer = CompactJSONWriter()
        writer.write(value, parentKey: nil)
        return writer.bytes
    }

    private static let coordinateSpaceKeys: Set<String> = ["dimensions", "outputDimensions", "inputDimensions"]

    mutating func write(_ value: JSONValue, parentKey: String?) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): append(String(number))
        case .uint(let number): append(String(number))
        case .double(let number): writeDouble(number)
        case .string(let text): writeString(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element, parentKey: nil)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            let keys: [String]
            if let parentKey, Self.coordinateSpaceKeys.contains(parentKey) {
                keys = CoordinateSpace.ordered(object.keys)
            } else {
                keys = object.keys.sorted()
            }
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in keys.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                write(object[key]!, parentKey: key)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func writeDouble(_ number: Double) {
        guard number.isFinite else { append("null"); return }
        // Swift's description is the shortest round-trip form, like Python's repr (8e-09, 0.11, 100.0).
        append(number.description)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: append("\\\"")
            case 0x5C: append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x20...0x7E: bytes.append(UInt8(scalar.value))
            case 0x10000...:
                let value = scalar.value - 0x10000
                writeUnicodeEscape(0xD800 + (value >> 10))
                writeUnicodeEscape(0xDC00 + (value & 0x3FF))
            default: writeUnicodeEscape(scalar.value)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeUnicodeEscape(_ unit: UInt32) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            bytes.append(Self.hex[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }
}
