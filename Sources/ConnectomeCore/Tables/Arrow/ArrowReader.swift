import Foundation

/// Reads Apache Arrow IPC tables: the file format (Feather v2, `.feather`/`.arrow`, magic
/// `ARROW1`) and the stream format (`.arrows`, CAVE's materialization answers), uncompressed or
/// with LZ4-frame or ZSTD buffers, as pandas' `to_feather` and pyarrow write them.
///
/// Record batches and columns are decoded in parallel; 64-bit columns straight into one array for
/// the table (`ArrowReader+Direct`), the others per batch and then joined. A local file is read a
/// column of a record batch at a time (`ArrowReader+Ranges`), anything else from its bytes.
/// Columns named `__index_level_N__` (a pandas index pyarrow stored) are dropped, and integer
/// columns with ID names (`root_id`, `id`, `pre`, …) and no negative value become uint64.
public enum ArrowReader {
    static let magic: [UInt8] = Array("ARROW1".utf8)

    /// True when `bytes` start like an Arrow file or stream.
    public static func looksLikeArrow(_ bytes: Data) -> Bool {
        let head = [UInt8](bytes.prefix(8))
        if head.count >= 6, Array(head[0..<6]) == magic { return true }
        return head.count >= 8 && head[0..<4] == [0xFF, 0xFF, 0xFF, 0xFF]
    }

    /// Reads the file or stream in `bytes` (the framing is detected); `name` is the file's name for messages.
    public static func read(bytes: Data, name: String) throws(ConnectomeError) -> DataTable {
        try read(bytes: bytes, name: name, serial: false)
    }

    /// `read`, with every column decoded one after another when `serial` (the reference the tests
    /// hold the parallel decoding to).
    static func read(bytes: Data, name: String, serial: Bool) throws(ConnectomeError) -> DataTable {
        let result: Result<DataTable, ArrowError> = bytes.withUnsafeBytes { raw in
            do throws(ArrowError) {
                let parts = raw.count >= 6 && Array(raw[0..<6]) == magic ? try fileParts(raw) : try streamParts(raw)
                return .success(try decode(parts, file: raw, serial: serial))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let table): return table
        case .failure(let error): throw error.asConnectomeError(name: name)
        }
    }

    /// A schema and the messages holding its dictionaries and record batches, in order.
    struct Parts {
        var schema: ArrowSchema
        var dictionaries: [ArrowMessage] = []
        var batches: [ArrowMessage] = []
    }

    /// The stream format: a schema message, then dictionaries and batches, until end-of-stream.
    static func streamParts(_ raw: UnsafeRawBufferPointer) throws(ArrowError) -> Parts {
        guard let first = try ArrowMessage.read(raw, at: 0) else { throw ArrowError("the stream ends before its schema") }
        guard first.header == .schema else { throw ArrowError("the stream does not start with a schema message") }
        var parts = Parts(schema: try ArrowSchema(first.table))
        var position = first.end
        while let message = try ArrowMessage.read(raw, at: position) {
            switch message.header {
            case .schema: throw ArrowError("the stream has a second schema at byte \(position)")
            case .dictionaryBatch: parts.dictionaries.append(message)
            case .recordBatch: parts.batches.append(message)
            }
            position = message.end
        }
        return parts
    }

    /// The file format: `ARROW1`, padding, a stream, the footer flatbuffer, its int32 length, `ARROW1`.
    static func fileParts(_ raw: UnsafeRawBufferPointer) throws(ArrowError) -> Parts {
        let count = raw.count
        guard count >= 18, Array(raw[(count - 6)...]) == magic else {
            throw ArrowError("it starts with ARROW1 but does not end with it (\(count) bytes): the file is cut short")
        }
        let footerLength = Int(Int32(bitPattern: ArrowMessage.load(raw, count - 10)))
        guard footerLength > 0, footerLength <= count - 18 else {
            throw ArrowError("its footer claims \(footerLength) bytes in a \(count)-byte file")
        }
        let footerStart = count - 10 - footerLength
        let footer = try FlatBuffer(Array(raw[footerStart..<(count - 10)])).root()
        guard let schemaTable = try footer.table(1) else { throw ArrowError("its footer has no schema") }
        var parts = Parts(schema: try ArrowSchema(schemaTable))
        func blocks(_ id: Int) throws(ArrowError) -> [ArrowMessage] {
            guard let vector = try footer.vector(id, elementSize: 24) else { return [] }
            var messages: [ArrowMessage] = []
            for index in 0..<vector.count {
                let offset = try vector.i64(at: index, offset: 0)
                guard offset >= 8, offset < Int64(footerStart) else {
                    throw ArrowError("footer block \(index) points to byte \(offset), outside the file's \(footerStart) bytes of messages")
                }
                guard let message = try ArrowMessage.read(UnsafeRawBufferPointer(rebasing: raw[0..<footerStart]), at: Int(offset)) else {
                    throw ArrowError("footer block \(index) points to an end-of-stream marker at byte \(offset)")
                }
                messages.append(message)
            }
            return messages
        }
        parts.dictionaries = try blocks(2)
        parts.batches = try blocks(3)
        for message in parts.dictionaries where message.header != .dictionaryBatch {
            throw ArrowError("a footer dictionary block points to a \(message.header) message")
        }
        for message in parts.batches where message.header != .recordBatch {
            throw ArrowError("a footer record-batch block points to a \(message.header) message")
        }
        return parts
    }

    static func decode(_ parts: Parts, file: UnsafeRawBufferPointer, serial: Bool = false) throws(ArrowError) -> DataTable {
        for field in parts.schema.fields { try checkSupported(field, path: field.name) }
        let budget = DecompressionBudget(fileSize: file.count)
        let dictionaries = try readDictionaries(parts, file: file, budget: budget)
        let places = parts.batches.map { BatchPlace(bodyStart: $0.bodyStart, bodyLength: $0.bodyLength, table: $0.table, messageStart: 0) }
        return try decode(schema: parts.schema, batches: places, bytes: .whole(file), dictionaries: dictionaries, budget: budget,
                          serial: serial)
    }

    /// One unit of decoding work: a general column of one batch, or a direct column of all batches.
    enum DecodeTask: Sendable {
        case general(batch: Int, column: Int)
        case direct(column: Int)
    }

    /// Where a record batch's body lies in the file, and its metadata.
    struct BatchPlace: Sendable {
        let bodyStart: Int
        let bodyLength: Int
        let table: FlatTable
        /// Where its message starts (read in ranges; 0 otherwise).
        let messageStart: Int
    }

    /// The table of `batches` whose bodies come from `bytes`.
    ///
    /// Every (batch, column) of the general path and every direct column is one task, and the tasks
    /// run on all cores: a CAVE answer is one record batch, so a parallel loop over batches alone left
    /// its columns' decompression (most of the work) on one core. Errors are those of the first
    /// failing task in the order general, then direct columns in schema order, as when they ran one
    /// after another; `serial` runs them so (the tests' reference). The tasks are taken largest first
    /// (`ParallelWork.map`'s `cost`): a synapse answer's big position columns come last in its schema.
    static func decode(schema: ArrowSchema, batches: [BatchPlace], bytes: BatchBytes,
                       dictionaries: [Int64: ColumnData], budget: DecompressionBudget,
                       serial: Bool = false) throws(ArrowError) -> DataTable {
        let fields = schema.fields
        // Each top-level field starts at the node and buffer after those of the fields before it.
        var nodeStarts: [Int] = [], bufferStarts: [Int] = []
        var node = 0, buffer = 0
        for field in fields {
            nodeStarts.append(node)
            bufferStarts.append(buffer)
            node += field.nodeCount
            buffer += field.bufferCount
        }
        // The metadata of every batch, checked before any column is decoded or allocated.
        let plans = try batches.map { place throws(ArrowError) in
            ArrowBatchDecoder.metadata(bodyLength: place.bodyLength, layout: try RecordBatchLayout(place.table), budget: budget)
        }
        for (index, plan) in plans.enumerated() {
            guard plan.layout.nodes.count >= node, plan.layout.buffers.count >= buffer else {
                throw ArrowError("record batch \(index) has \(plan.layout.nodes.count) nodes and \(plan.layout.buffers.count) buffers; its schema needs \(node) and \(buffer)")
            }
        }
        let firstNodes = nodeStarts, firstBuffers = bufferStarts
        var rowStarts: [Int] = []
        var rows = 0
        for plan in plans {
            rowStarts.append(rows)
            let (sum, overflow) = rows.addingReportingOverflow(plan.layout.length)
            guard !overflow, sum <= Int.max / 64 else {
                throw ArrowError("its record batches claim more rows in all than any memory holds")
            }
            rows = sum
        }
        let source = BatchSource(batches: batches, plans: plans, bytes: bytes, dictionaries: dictionaries, budget: budget)
        // 64-bit columns go straight into table-wide arrays (ArrowReader+Direct); the rest per batch.
        let kept = fields.indices.filter { !isPandasIndex(fields[$0].name) }
        let general = kept.filter { !isDirect(fields[$0]) }
        let positionInGeneral = Dictionary(uniqueKeysWithValues: general.enumerated().map { ($1, $0) })
        let direct = kept.filter { isDirect(fields[$0]) }
        let positionInDirect = Dictionary(uniqueKeysWithValues: direct.enumerated().map { ($1, $0) })
        let batchRowStarts = rowStarts, totalRows = rows
        let tasks = plans.indices.flatMap { batch in general.map { DecodeTask.general(batch: batch, column: $0) } }
            + direct.map { DecodeTask.direct(column: $0) }
        // The stored bytes of a task's buffers (compressed, when they are): what its decompression costs.
        let cost = { @Sendable (task: DecodeTask) -> Int in
            func stored(_ batch: Int, _ column: Int) -> Int {
                let buffers = plans[batch].layout.buffers
                let range = firstBuffers[column]..<min(firstBuffers[column] + fields[column].bufferCount, buffers.count)
                return range.reduce(0) { $0 &+ buffers[$1].length }
            }
            switch task {
            case .general(let batch, let column): return stored(batch, column)
            case .direct(let column): return plans.indices.reduce(0) { $0 &+ stored($1, column) }
            }
        }
        let finished = try ParallelWork.map(tasks, minimumItemsForParallel: serial ? Int.max : 2, cost: cost, throwing: {
            (task: DecodeTask) throws(ArrowError) -> ColumnData in
            switch task {
            case .direct(let column):
                return try directColumn(fields[column], source: source, node: firstNodes[column], buffer: firstBuffers[column],
                                        rowStarts: batchRowStarts, rows: totalRows, serial: serial)
            case .general(let batch, let column):
                return try source.withDecoder(batch, buffers: firstBuffers[column]..<(firstBuffers[column] + fields[column].bufferCount)) {
                    decoder throws(ArrowError) in
                    var nodeIndex = firstNodes[column], bufferIndex = firstBuffers[column]
                    let data = try decoder.decode(fields[column], node: &nodeIndex, buffer: &bufferIndex)
                    guard data.count == decoder.layout.length else {
                        throw ArrowError("column '\(fields[column].name)' has \(data.count) rows in record batch \(batch), which has \(decoder.layout.length)")
                    }
                    return data
                }
            }
        })
        let decoded = finished.prefix(plans.count * general.count)
        var result: [DataColumn] = []
        for index in kept {
            let field = fields[index]
            var data: ColumnData
            if isDirect(field) {
                data = finished[plans.count * general.count + positionInDirect[index]!]
            } else {
                let position = positionInGeneral[index]!
                let parts = plans.indices.map { decoded[$0 * general.count + position] }
                data = parts.isEmpty ? ColumnData.nulls(columnType(field), count: 0) : DataTable.concatenate(parts)
                if ColumnNaming.isIDName(field.name) { data = data.asIDs() }
            }
            result.append(DataColumn(field.name, data))
        }
        let names = ColumnNaming.uniqueNames(result.map(\.name))
        for index in result.indices { result[index].name = names[index] }
        return DataTable(uncheckedColumns: result, rowCount: result.isEmpty ? 0 : rows)
    }

    /// Dictionary batches in file order; a delta batch appends to its dictionary.
    static func readDictionaries(_ parts: Parts, file: UnsafeRawBufferPointer,
                                         budget: DecompressionBudget) throws(ArrowError) -> [Int64: ColumnData] {
        var valueFields: [Int64: ArrowField] = [:]
        func collect(_ field: ArrowField) {
            if let dictionary = field.dictionary {
                var plain = field
                plain.dictionary = nil
                valueFields[dictionary.id] = plain
            }
            field.children.forEach(collect)
        }
        parts.schema.fields.forEach(collect)
        var dictionaries: [Int64: ColumnData] = [:]
        for message in parts.dictionaries {
            let id = try message.table.i64(0)
            guard let field = valueFields[id] else { throw ArrowError("a dictionary batch has ID \(id), which no column uses") }
            guard let data = try message.table.table(1) else { throw ArrowError("dictionary \(id) has no data") }
            let decoder = ArrowBatchDecoder(file: file, bodyStart: message.bodyStart, bodyLength: message.bodyLength,
                                            layout: try RecordBatchLayout(data), dictionaries: dictionaries, budget: budget)
            var node = 0, buffer = 0
            let values = try decoder.decode(field, node: &node, buffer: &buffer)
            if try message.table.bool(2), let existing = dictionaries[id] {
                guard existing.type == values.type else { throw ArrowError("a delta of dictionary \(id) changes its type") }
                dictionaries[id] = DataTable.concatenate([existing, values])
            } else {
                dictionaries[id] = values
            }
        }
        return dictionaries
    }

    static func checkSupported(_ field: ArrowField, path: String) throws(ArrowError) {
        switch field.type {
        case .binary, .largeBinary, .structure, .other:
            throw ArrowError("column '\(path)' is of type \(field.type), which the kernel does not read", unsupported: true)
        default:
            for child in field.children { try checkSupported(child, path: path) }
        }
    }

    /// pandas names an unnamed index `__index_level_0__` when pyarrow stores it as a column.
    static func isPandasIndex(_ name: String) -> Bool {
        name.hasPrefix("__index_level_") && name.hasSuffix("__")
    }

    /// The column type of a field with no rows.
    static func columnType(_ field: ArrowField) -> ColumnType {
        switch field.type {
        case .int(64, false): return .uint64
        case .int: return .int64
        case .floatingPoint: return .double
        case .bool: return .bool
        case .timestamp(let unit, let zone): return .timestamp(unit, timeZone: zone)
        case .date(let days): return .timestamp(days ? .second : .millisecond, timeZone: nil)
        case .list, .largeList, .fixedSizeList:
            switch field.children.first?.type {
            case .int?: return .intVector
            case .floatingPoint?: return .vector
            default: return .stringList
            }
        default: return .string
        }
    }
}

extension ColumnData {
    /// An int64 column with no negative value as uint64 (an ID column); anything else unchanged.
    func asIDs() -> ColumnData {
        guard case .int64(let column) = self else { return self }
        for row in 0..<column.count where column.values[row] < 0 && !column.isNull(row) { return self }
        return .uint64(ScalarColumn(values: column.values.map { UInt64(bitPattern: $0) }, validity: column.validity))
    }
}
