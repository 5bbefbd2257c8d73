/// Reads FlatBuffers tables (Arrow's IPC metadata) with every offset and length bounds-checked.
///
/// No FlatBuffers library: Arrow's schema needs only tables, scalars, strings, vectors of
/// tables and of structs, and unions. A file is outside data, so nothing read from it is
/// trusted: each access checks that it lies inside the buffer, and nesting is limited so that
/// a cyclic offset cannot recurse forever.
struct FlatBuffer: Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func root() throws(ArrowError) -> FlatTable {
        try FlatTable(self, at: try offsetTarget(at: 0), depth: 0)
    }

    func check(_ position: Int, _ size: Int, _ what: @autoclosure () -> String) throws(ArrowError) {
        guard position >= 0, size >= 0, position <= bytes.count, size <= bytes.count - position else {
            throw ArrowError("metadata \(what()) at byte \(position) (+\(size)) lies outside the \(bytes.count)-byte flatbuffer")
        }
    }

    func u8(_ position: Int) throws(ArrowError) -> UInt8 {
        try check(position, 1, "byte")
        return bytes[position]
    }

    func u16(_ position: Int) throws(ArrowError) -> UInt16 {
        try check(position, 2, "uint16")
        return UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
    }

    func u32(_ position: Int) throws(ArrowError) -> UInt32 {
        try check(position, 4, "uint32")
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * index) }
        return value
    }

    func i32(_ position: Int) throws(ArrowError) -> Int32 { Int32(bitPattern: try u32(position)) }

    func i64(_ position: Int) throws(ArrowError) -> Int64 {
        try check(position, 8, "int64")
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * index) }
        return Int64(bitPattern: value)
    }

    /// The position a `uoffset_t` at `position` points to.
    func offsetTarget(at position: Int) throws(ArrowError) -> Int {
        let target = position + Int(try u32(position))
        try check(target, 0, "offset target")
        return target
    }

    /// A string (length-prefixed UTF-8) at `position`.
    func string(at position: Int) throws(ArrowError) -> String {
        let length = Int(try u32(position))
        try check(position + 4, length, "string")
        return String(decoding: bytes[(position + 4)..<(position + 4 + length)], as: UTF8.self)
    }
}

/// A table inside a `FlatBuffer`: fields are found through its vtable.
struct FlatTable: Sendable {
    let buffer: FlatBuffer
    let position: Int
    private let vtable: Int
    private let vtableSize: Int
    private let tableSize: Int
    let depth: Int

    /// Deeper nesting than any Arrow schema needs is treated as a corrupt (or cyclic) file.
    static let maximumDepth = 64

    init(_ buffer: FlatBuffer, at position: Int, depth: Int) throws(ArrowError) {
        guard depth <= Self.maximumDepth else {
            throw ArrowError("metadata nests deeper than \(Self.maximumDepth) levels (a cycle of offsets?)")
        }
        self.buffer = buffer
        self.position = position
        self.depth = depth
        let vtable = position - Int(try buffer.i32(position))
        let vtableSize = Int(try buffer.u16(vtable))
        let tableSize = Int(try buffer.u16(vtable + 2))
        guard vtableSize >= 4, vtableSize % 2 == 0, tableSize >= 4 else {
            throw ArrowError("metadata table at byte \(position) has a malformed vtable (size \(vtableSize), table size \(tableSize))")
        }
        try buffer.check(vtable, vtableSize, "vtable")
        try buffer.check(position, tableSize, "table")
        self.vtable = vtable
        self.vtableSize = vtableSize
        self.tableSize = tableSize
    }

    /// The absolute position of field `id` (`size` bytes), or nil when absent.
    private func field(_ id: Int, size: Int) throws(ArrowError) -> Int? {
        let slot = 4 + 2 * id
        guard slot + 2 <= vtableSize else { return nil }
        let offset = Int(try buffer.u16(vtable + slot))
        guard offset != 0 else { return nil }
        guard offset + size <= tableSize else {
            throw ArrowError("metadata field \(id) of the table at byte \(position) runs past the table's \(tableSize) bytes")
        }
        return position + offset
    }

    func bool(_ id: Int, default value: Bool = false) throws(ArrowError) -> Bool {
        guard let at = try field(id, size: 1) else { return value }
        return try buffer.u8(at) != 0
    }

    func u8(_ id: Int, default value: UInt8 = 0) throws(ArrowError) -> UInt8 {
        guard let at = try field(id, size: 1) else { return value }
        return try buffer.u8(at)
    }

    func i16(_ id: Int, default value: Int16 = 0) throws(ArrowError) -> Int16 {
        guard let at = try field(id, size: 2) else { return value }
        return Int16(bitPattern: try buffer.u16(at))
    }

    func i32(_ id: Int, default value: Int32 = 0) throws(ArrowError) -> Int32 {
        guard let at = try field(id, size: 4) else { return value }
        return try buffer.i32(at)
    }

    func i64(_ id: Int, default value: Int64 = 0) throws(ArrowError) -> Int64 {
        guard let at = try field(id, size: 8) else { return value }
        return try buffer.i64(at)
    }

    func table(_ id: Int) throws(ArrowError) -> FlatTable? {
        guard let at = try field(id, size: 4) else { return nil }
        return try FlatTable(buffer, at: try buffer.offsetTarget(at: at), depth: depth + 1)
    }

    func string(_ id: Int) throws(ArrowError) -> String? {
        guard let at = try field(id, size: 4) else { return nil }
        return try buffer.string(at: try buffer.offsetTarget(at: at))
    }

    /// A vector of `elementSize`-byte elements (4 for offsets to tables).
    func vector(_ id: Int, elementSize: Int) throws(ArrowError) -> FlatVector? {
        guard let at = try field(id, size: 4) else { return nil }
        let start = try buffer.offsetTarget(at: at)
        let count = Int(try buffer.u32(start))
        let (total, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw ArrowError("metadata vector at byte \(start) claims \(count) elements") }
        try buffer.check(start + 4, total, "vector of \(count) elements")
        return FlatVector(table: self, start: start + 4, count: count, elementSize: elementSize)
    }
}

/// A vector inside a `FlatBuffer` (bounds already checked for `count × elementSize` bytes).
struct FlatVector: Sendable {
    let table: FlatTable
    let start: Int
    let count: Int
    let elementSize: Int

    func table(at index: Int) throws(ArrowError) -> FlatTable {
        let at = start + index * elementSize
        return try FlatTable(table.buffer, at: try table.buffer.offsetTarget(at: at), depth: table.depth + 1)
    }

    /// An int64 field at `offset` inside struct element `index`.
    func i64(at index: Int, offset: Int) throws(ArrowError) -> Int64 {
        try table.buffer.i64(start + index * elementSize + offset)
    }

    func i32(at index: Int, offset: Int) throws(ArrowError) -> Int32 {
        try table.buffer.i32(start + index * elementSize + offset)
    }
}

/// A malformed Arrow file: the message says what and where; the reader adds the file name.
struct ArrowError: Error, Sendable {
    var message: String
    var unsupported = false
    init(_ message: String, unsupported: Bool = false) {
        self.message = message
        self.unsupported = unsupported
    }
}
