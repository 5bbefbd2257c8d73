/// Writes FlatBuffers front to back (the Arrow writer's metadata): a tree of tables, strings and
/// vectors is laid out parent first, each child appended after its parent and the parent's offset
/// patched, so every `uoffset_t` points forward as the format requires.
enum FlatBufferBuilder {
    indirect enum Value {
        /// Fields by ID (nil = absent, the reader takes the default).
        case table([Field?])
        case string(String)
        case tables([Value])
        /// A vector of structs: `bytes` holds `count` structs laid out back to back.
        case structs(bytes: [UInt8], count: Int, alignment: Int)
    }

    enum Field {
        case u8(UInt8)
        case bool(Bool)
        case i16(Int16)
        case i32(Int32)
        case i64(Int64)
        case offset(Value)

        var size: Int {
            switch self {
            case .u8, .bool: return 1
            case .i16: return 2
            case .i32, .offset: return 4
            case .i64: return 8
            }
        }
    }

    /// The buffer for `root` (a table), 8-byte aligned in length.
    static func build(_ root: Value) -> [UInt8] {
        var writer = Writer()
        writer.bytes = [0, 0, 0, 0]
        let position = writer.write(root)
        writer.patch(at: 0, UInt32(position))
        writer.align(8)
        return writer.bytes
    }

    private struct Writer {
        var bytes: [UInt8] = []

        mutating func align(_ alignment: Int) {
            while bytes.count % alignment != 0 { bytes.append(0) }
        }

        mutating func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func patch(at position: Int, _ value: UInt32) {
            withUnsafeBytes(of: value.littleEndian) { raw in
                for index in 0..<4 { bytes[position + index] = raw[index] }
            }
        }

        mutating func patch16(at position: Int, _ value: UInt16) {
            bytes[position] = UInt8(value & 0xFF)
            bytes[position + 1] = UInt8(value >> 8)
        }

        /// Writes `value` and returns its position (a table's start, a vector's or string's length prefix).
        mutating func write(_ value: Value) -> Int {
            switch value {
            case .string(let text):
                align(4)
                let position = bytes.count
                append(UInt32(text.utf8.count))
                bytes.append(contentsOf: text.utf8)
                bytes.append(0)
                return position
            case .structs(let data, let count, let alignment):
                while (bytes.count + 4) % alignment != 0 { bytes.append(0) }
                let position = bytes.count
                append(UInt32(count))
                bytes.append(contentsOf: data)
                return position
            case .tables(let values):
                align(4)
                let position = bytes.count
                append(UInt32(values.count))
                for _ in values { append(UInt32(0)) }
                for (index, child) in values.enumerated() {
                    let slot = position + 4 + 4 * index
                    let target = write(child)
                    patch(at: slot, UInt32(target - slot))
                }
                return position
            case .table(let fields):
                // The vtable, then the table 8-byte aligned after it.
                align(2)
                let vtable = bytes.count
                let vtableSize = 4 + 2 * fields.count
                bytes.append(contentsOf: [UInt8](repeating: 0, count: vtableSize))
                align(8)
                let table = bytes.count
                append(Int32(table - vtable))
                var fieldPositions: [(Int, Field)] = []
                for (id, field) in fields.enumerated() {
                    guard let field else { continue }
                    align(field.size)
                    let position = bytes.count
                    patch16(at: vtable + 4 + 2 * id, UInt16(position - table))
                    switch field {
                    case .u8(let value): bytes.append(value)
                    case .bool(let value): bytes.append(value ? 1 : 0)
                    case .i16(let value): append(value)
                    case .i32(let value): append(value)
                    case .i64(let value): append(value)
                    case .offset: append(UInt32(0))
                    }
                    fieldPositions.append((position, field))
                }
                patch16(at: vtable, UInt16(vtableSize))
                patch16(at: vtable + 2, UInt16(bytes.count - table))
                for (position, field) in fieldPositions {
                    guard case .offset(let child) = field else { continue }
                    let target = write(child)
                    patch(at: position, UInt32(target - position))
                }
                return table
            }
        }
    }
}
