/// One IPC message: its flatbuffer metadata and where its body lies in the file.
///
/// Framing (both formats): `0xFFFFFFFF`, int32 metadata length, the `Message` flatbuffer (padded
/// to 8 bytes), then `bodyLength` bytes of body. Files before Arrow 0.15 omit the `0xFFFFFFFF`.
struct ArrowMessage: Sendable {
    enum Header: UInt8 {
        case schema = 1, dictionaryBatch = 2, recordBatch = 3
    }

    let header: Header
    /// The header table (Schema, DictionaryBatch or RecordBatch).
    let table: FlatTable
    let bodyStart: Int
    let bodyLength: Int
    /// Where the next message starts.
    let end: Int

    /// The message at `position`, or nil at an end-of-stream marker (or the end of the bytes).
    /// `bodyFollows` false reads the metadata alone (a ranged read of a file's block): the body's
    /// length is then checked by the caller against the footer's block, not against `bytes`.
    static func read(_ bytes: UnsafeRawBufferPointer, at position: Int, bodyFollows: Bool = true) throws(ArrowError) -> ArrowMessage? {
        guard position + 4 <= bytes.count else { return nil }
        var metadataStart = position + 4
        var length = Int(Int32(bitPattern: load(bytes, position)))
        if length == -1 {
            guard position + 8 <= bytes.count else { throw ArrowError("the message at byte \(position) is cut off after its marker") }
            length = Int(Int32(bitPattern: load(bytes, position + 4)))
            metadataStart = position + 8
        }
        if length == 0 { return nil }
        guard length > 0, length <= bytes.count - metadataStart else {
            throw ArrowError("the message at byte \(position) claims \(length) bytes of metadata, but \(bytes.count - metadataStart) remain")
        }
        let metadata = FlatBuffer(Array(bytes[metadataStart..<(metadataStart + length)]))
        let message = try metadata.root()
        let version = try message.i16(0)
        guard version >= 3 else {
            throw ArrowError("the message at byte \(position) has metadata version V\(version + 1); files written by Arrow 0.8 or later are read", unsupported: true)
        }
        let headerType = try message.u8(1)
        guard let header = Header(rawValue: headerType) else {
            throw ArrowError("the message at byte \(position) is of type \(headerType) (a tensor?); a table file holds schemas, dictionaries and record batches", unsupported: true)
        }
        guard let table = try message.table(2) else {
            throw ArrowError("the message at byte \(position) has no header table")
        }
        let bodyLength = try message.i64(3)
        let bodyStart = metadataStart + length
        guard bodyLength >= 0, !bodyFollows || bodyLength <= Int64(bytes.count - bodyStart), bodyLength <= Int64(Int.max / 4) else {
            throw ArrowError("the message at byte \(position) claims a body of \(bodyLength) bytes, but \(bytes.count - bodyStart) remain")
        }
        return ArrowMessage(header: header, table: table, bodyStart: bodyStart, bodyLength: Int(bodyLength),
                            end: bodyStart + Int(bodyLength))
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ position: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }
}

/// The metadata of a record batch: row count, one node per field, one (offset, length) per buffer.
struct RecordBatchLayout: Sendable {
    var length: Int
    var nodes: [(length: Int, nullCount: Int)]
    var buffers: [(offset: Int, length: Int)]
    var codec: BufferCodec?

    init(_ table: FlatTable) throws(ArrowError) {
        let length = try table.i64(0)
        guard length >= 0, length <= Int64(Int32.max) * 16 else { throw ArrowError("a record batch claims \(length) rows") }
        self.length = Int(length)
        nodes = []
        if let vector = try table.vector(1, elementSize: 16) {
            nodes.reserveCapacity(vector.count)
            for index in 0..<vector.count {
                let nodeLength = try vector.i64(at: index, offset: 0), nulls = try vector.i64(at: index, offset: 8)
                guard nodeLength >= 0, nodeLength <= Int64(Int32.max) * 16, nulls >= 0, nulls <= nodeLength else {
                    throw ArrowError("field node \(index) of a record batch has length \(nodeLength) and null count \(nulls)")
                }
                nodes.append((Int(nodeLength), Int(nulls)))
            }
        }
        buffers = []
        if let vector = try table.vector(2, elementSize: 16) {
            buffers.reserveCapacity(vector.count)
            for index in 0..<vector.count {
                let offset = try vector.i64(at: index, offset: 0), size = try vector.i64(at: index, offset: 8)
                guard offset >= 0, size >= 0, offset <= Int64(Int.max / 2), size <= Int64(Int.max / 2) else {
                    throw ArrowError("buffer \(index) of a record batch has offset \(offset) and length \(size)")
                }
                buffers.append((Int(offset), Int(size)))
            }
        }
        codec = nil
        if let compression = try table.table(3) {
            switch try compression.u8(0) {
            case 0: codec = .lz4Frame
            case 1: codec = .zstd
            case let other: throw ArrowError("a record batch uses compression codec \(other); Arrow defines LZ4_FRAME (0) and ZSTD (1)", unsupported: true)
            }
            guard try compression.u8(1) == 0 else {
                throw ArrowError("a record batch compresses its body as a whole; only per-buffer compression exists in Arrow", unsupported: true)
            }
        }
    }
}
