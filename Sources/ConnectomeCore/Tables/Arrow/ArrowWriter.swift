import Foundation

/// Writes a table as an Arrow IPC file (Feather v2) that `pandas.read_feather` and pyarrow read.
///
/// One record batch; types: uint64, int64, float64, bool, utf8 (large_utf8 past 2 GiB of text),
/// list<utf8>, fixed_size_list<float64|int64, 3> for vectors, timestamp with unit and zone.
/// Buffers are uncompressed unless `compression` is given (LZ4 frames or ZSTD, as pyarrow writes them).
public enum ArrowWriter {
    public enum Compression: Sendable {
        case lz4
        case zstd
    }

    /// The IPC file format (`.feather`, `.arrow`) or the stream format (`.arrows`).
    public enum Framing: Sendable {
        case file
        case stream
    }

    public static func write(_ table: DataTable, compression: Compression? = nil, framing: Framing = .file) -> Data {
        let codec: BufferCodec? = compression.map { $0 == .lz4 ? .lz4Frame : .zstd }
        var body = BodyBuilder(codec: codec)
        var fields: [FlatBufferBuilder.Value] = []
        for column in table.columns {
            fields.append(body.add(column))
        }
        let schema = FlatBufferBuilder.Value.table([nil, .offset(.tables(fields))])

        var output: [UInt8] = framing == .file ? ArrowReader.magic + [0, 0] : []
        appendMessage(&output, header: 1, table: schema, bodyLength: 0)

        var nodeBytes: [UInt8] = [], bufferBytes: [UInt8] = []
        for node in body.nodes { append(Int64(node.length), to: &nodeBytes); append(Int64(node.nullCount), to: &nodeBytes) }
        for buffer in body.buffers { append(Int64(buffer.offset), to: &bufferBytes); append(Int64(buffer.length), to: &bufferBytes) }
        let batch = FlatBufferBuilder.Value.table([
            .i64(Int64(table.rowCount)),
            .offset(.structs(bytes: nodeBytes, count: body.nodes.count, alignment: 8)),
            .offset(.structs(bytes: bufferBytes, count: body.buffers.count, alignment: 8)),
            codec.map { .offset(.table([.u8($0 == .lz4Frame ? 0 : 1), .u8(0)])) },
        ])
        let batchOffset = output.count
        let metadataLength = appendMessage(&output, header: 3, table: batch, bodyLength: body.bytes.count)
        output.append(contentsOf: body.bytes)
        // End-of-stream marker, as pyarrow writes it before the footer.
        output.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        if framing == .stream { return Data(output) }

        var block: [UInt8] = []
        append(Int64(batchOffset), to: &block)
        append(Int32(metadataLength), to: &block)
        append(Int32(0), to: &block)
        append(Int64(body.bytes.count), to: &block)
        let footer = FlatBufferBuilder.build(.table([
            .i16(4), .offset(schema), .offset(.structs(bytes: [], count: 0, alignment: 8)),
            .offset(.structs(bytes: block, count: 1, alignment: 8)),
        ]))
        output.append(contentsOf: footer)
        append(Int32(footer.count), to: &output)
        output.append(contentsOf: ArrowReader.magic)
        return Data(output)
    }

    /// Appends a framed message (marker, length, metadata padded to 8); returns the framed metadata length.
    @discardableResult
    private static func appendMessage(_ output: inout [UInt8], header: UInt8, table: FlatBufferBuilder.Value, bodyLength: Int) -> Int {
        let metadata = FlatBufferBuilder.build(.table([.i16(4), .u8(header), .offset(table), .i64(Int64(bodyLength))]))
        output.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
        append(Int32(metadata.count), to: &output)
        output.append(contentsOf: metadata)
        return 8 + metadata.count
    }

    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The body of the record batch: field nodes, buffers (8-byte aligned) and the schema's fields.
    private struct BodyBuilder {
        let codec: BufferCodec?
        var bytes: [UInt8] = []
        var nodes: [(length: Int, nullCount: Int)] = []
        var buffers: [(offset: Int, length: Int)] = []

        typealias Value = FlatBufferBuilder.Value

        /// Adds the column's node and buffers; returns its schema `Field`.
        mutating func add(_ column: DataColumn) -> Value {
            let data = column.data
            let validity = validityBuffer(data)
            nodes.append((data.count, data.storage.nullCount))
            switch data {
            case .uint64(let values):
                addBuffer(validity); addArray(values.values)
                return field(column.name, typeID: 2, type: [.i32(64), .bool(false)])
            case .int64(let values):
                addBuffer(validity); addArray(values.values)
                return field(column.name, typeID: 2, type: [.i32(64), .bool(true)])
            case .double(let values):
                addBuffer(validity); addArray(values.values)
                return field(column.name, typeID: 3, type: [.i16(2)])
            case .bool(let values):
                addBuffer(validity); addBuffer(Self.packBits(values.values))
                return field(column.name, typeID: 6, type: [])
            case .timestamp(let values, let unit, let zone):
                addBuffer(validity); addArray(values.values)
                let units: [TimeUnit] = [.second, .millisecond, .microsecond, .nanosecond]
                return field(column.name, typeID: 10,
                             type: [.i16(Int16(units.firstIndex(of: unit) ?? 3)), zone.map { .offset(.string($0)) }])
            case .string(let strings):
                addBuffer(validity)
                return field(column.name, typeID: addStrings(strings) ? 20 : 5, type: [])
            case .stringList(let lists):
                addBuffer(validity)
                let large = lists.elements.count > Int(Int32.max)
                if large { addArray(lists.offsets.map(Int64.init)) } else { addArray(lists.offsets.map { Int32(truncatingIfNeeded: $0) }) }
                let elements = lists.elements
                nodes.append((elements.count, elements.nullCount))
                addBuffer(validityBuffer(.string(elements)))
                let itemType = addStrings(elements) ? 20 : 5
                return field(column.name, typeID: large ? 21 : 12, type: [], children: [field("item", typeID: UInt8(itemType), type: [])])
            case .vector(let vectors):
                addBuffer(validity)
                nodes.append((3 * vectors.count, 0))
                addBuffer([]); addArray(vectors.values)
                return field(column.name, typeID: 16, type: [.i32(3)], children: [field("item", typeID: 3, type: [.i16(2)])])
            case .intVector(let vectors):
                addBuffer(validity)
                nodes.append((3 * vectors.count, 0))
                addBuffer([]); addArray(vectors.values)
                return field(column.name, typeID: 16, type: [.i32(3)],
                             children: [field("item", typeID: 2, type: [.i32(64), .bool(true)])])
            }
        }

        /// Offsets and text of a string column; true when they need 64-bit offsets.
        private mutating func addStrings(_ strings: StringColumn) -> Bool {
            let large = strings.bytes.count > Int(Int32.max)
            if large { addArray(strings.offsets.map(Int64.init)) } else { addArray(strings.offsets.map { Int32(truncatingIfNeeded: $0) }) }
            addBuffer(strings.bytes[0..<(strings.offsets.last ?? 0)])
            return large
        }

        private func field(_ name: String, typeID: UInt8, type: [FlatBufferBuilder.Field?], children: [Value] = []) -> Value {
            .table([.offset(.string(name)), .bool(true), .u8(typeID), .offset(.table(type)), nil, .offset(.tables(children))])
        }

        /// The null bitmap as bytes (empty when nothing is null). A NaN stays a NaN value: pyarrow
        /// keeps the two apart, pandas reads both as NaN.
        private func validityBuffer(_ data: ColumnData) -> [UInt8] {
            guard let validity = data.storage.validity else { return [] }
            let byteCount = (validity.count + 7) / 8
            return validity.words.withUnsafeBytes { Array($0.prefix(byteCount)) }
        }

        static func packBits(_ flags: [Bool]) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: (flags.count + 7) / 8)
            for (index, flag) in flags.enumerated() where flag { bytes[index >> 3] |= 1 << UInt8(index & 7) }
            return bytes
        }

        private mutating func addArray<T: BitwiseCopyable>(_ values: [T]) {
            values.withUnsafeBytes { addRaw($0) }
        }

        private mutating func addBuffer(_ data: some Collection<UInt8>) {
            Array(data).withUnsafeBytes { addRaw($0) }
        }

        private mutating func addRaw(_ raw: UnsafeRawBufferPointer) {
            let offset = bytes.count
            if raw.isEmpty {
                buffers.append((offset, 0))
                return
            }
            if let codec {
                ArrowWriter.append(Int64(raw.count), to: &bytes)
                bytes.append(contentsOf: codec.compress(raw))
            } else {
                bytes.append(contentsOf: raw)
            }
            buffers.append((offset, bytes.count - offset))
            while bytes.count % 8 != 0 { bytes.append(0) }
        }
    }
}
