import Foundation

/// Reading a local Arrow file a column of a record batch at a time: the footer first, then each
/// batch's metadata, then each (batch, column)'s byte range into a buffer that is used again.
///
/// Read whole, the bench's 10,000,000-row synapse file (487 MB) went into fresh pages that the
/// kernel had to fault in and clear before `pread` copied into them, only to be decompressed once
/// and freed: on this virtual machine clearing fresh memory cost more than the decompression. Read
/// in ranges, the same few buffers stay warm and the only fresh memory is the table's own.
extension ArrowReader {
    /// The table in the Arrow file `file`, read in ranges; nil when it is not an Arrow file this
    /// way reads (the stream format, not Arrow at all, a damaged ending): the caller reads it
    /// whole, which says what is wrong with it.
    public static func read(file: RangedFile, name: String) throws(ConnectomeError) -> DataTable? {
        do throws(ArrowError) {
            guard let (schema, dictionaryBlocks, places) = try rangedParts(file) else { return nil }
            for field in schema.fields { try checkSupported(field, path: field.name) }
            let budget = DecompressionBudget(fileSize: file.size)
            let dictionaries = try readDictionaries(file, schema: schema, blocks: dictionaryBlocks, budget: budget)
            return try decode(schema: schema, batches: places, bytes: .ranged(file), dictionaries: dictionaries, budget: budget)
        } catch {
            throw error.asConnectomeError(name: name)
        }
    }

    /// The dictionary batches (small: a categorical column's distinct values), read whole, one
    /// message after another into one buffer, and decoded as from the whole file.
    private static func readDictionaries(_ file: RangedFile, schema: ArrowSchema, blocks: [Range<Int>],
                                         budget: DecompressionBudget) throws(ArrowError) -> [Int64: ColumnData] {
        guard !blocks.isEmpty else { return [:] }
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for block in blocks {
            starts.append(bytes.count)
            bytes += try fetch(file, at: block.lowerBound, count: block.count)
        }
        let result: Result<[Int64: ColumnData], ArrowError> = bytes.withUnsafeBytes { raw in
            do throws(ArrowError) {
                var parts = Parts(schema: schema)
                for start in starts {
                    guard let message = try ArrowMessage.read(raw, at: start) else {
                        throw ArrowError("a footer dictionary block points to an end-of-stream marker")
                    }
                    parts.dictionaries.append(message)
                }
                return .success(try readDictionaries(parts, file: raw, budget: budget))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The schema, the byte ranges of the dictionary messages, and where each record batch lies,
    /// from the footer and the messages' metadata.
    static func rangedParts(_ file: RangedFile) throws(ArrowError) -> (ArrowSchema, [Range<Int>], [BatchPlace])? {
        let size = file.size
        guard size >= 18 else { return nil }
        let head = try fetch(file, at: 0, count: 8)
        let tail = try fetch(file, at: size - 10, count: 10)
        guard Array(head[0..<6]) == magic, Array(tail[4..<10]) == magic else { return nil }
        let footerLength = Int(Int32(littleEndian: tail.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }))
        guard footerLength > 0, footerLength <= size - 18 else { return nil }
        let footerStart = size - 10 - footerLength
        let footer = try FlatBuffer(fetch(file, at: footerStart, count: footerLength)).root()
        guard let schemaTable = try footer.table(1) else { throw ArrowError("its footer has no schema") }
        let schema = try ArrowSchema(schemaTable)
        func places(_ id: Int, _ header: ArrowMessage.Header) throws(ArrowError) -> [BatchPlace] {
            guard let blocks = try footer.vector(id, elementSize: 24) else { return [] }
            var places: [BatchPlace] = []
            places.reserveCapacity(blocks.count)
            for index in 0..<blocks.count {
                let offset = try blocks.i64(at: index, offset: 0)
                guard offset >= 8, offset < Int64(footerStart) else {
                    throw ArrowError("footer block \(index) points to byte \(offset), outside the file's \(footerStart) bytes of messages")
                }
                places.append(try batchPlace(file, at: Int(offset), block: index, header: header, messagesEnd: footerStart))
            }
            return places
        }
        let dictionaries = try places(2, .dictionaryBatch).map { $0.messageStart..<($0.bodyStart + $0.bodyLength) }
        return (schema, dictionaries, try places(3, .recordBatch))
    }

    /// The record batch message at `offset`: its metadata read (prefix first, then the flatbuffer)
    /// and checked, its body's place checked against the messages' end (the footer's start).
    private static func batchPlace(_ file: RangedFile, at offset: Int, block: Int, header: ArrowMessage.Header,
                                   messagesEnd: Int) throws(ArrowError) -> BatchPlace {
        let remaining = messagesEnd - offset
        let prefix = try fetch(file, at: offset, count: min(8, remaining))
        func word(_ at: Int) -> Int { Int(Int32(bitPattern: UInt32(prefix[at]) | UInt32(prefix[at + 1]) << 8 | UInt32(prefix[at + 2]) << 16 | UInt32(prefix[at + 3]) << 24)) }
        guard prefix.count >= 4 else { throw ArrowError("footer block \(block) points to an end-of-stream marker at byte \(offset)") }
        var metadataStart = 4
        var length = word(0)
        if length == -1 {
            guard prefix.count >= 8 else { throw ArrowError("the message at byte \(offset) is cut off after its marker") }
            length = word(4)
            metadataStart = 8
        }
        if length == 0 { throw ArrowError("footer block \(block) points to an end-of-stream marker at byte \(offset)") }
        guard length > 0, length <= remaining - metadataStart else {
            throw ArrowError("the message at byte \(offset) claims \(length) bytes of metadata, but \(remaining - metadataStart) remain")
        }
        let metadata = try fetch(file, at: offset, count: metadataStart + length)
        let parsed: Result<ArrowMessage?, ArrowError> = metadata.withUnsafeBytes { raw in
            do throws(ArrowError) { return .success(try ArrowMessage.read(raw, at: 0, bodyFollows: false)) } catch { return .failure(error) }
        }
        let message: ArrowMessage
        switch parsed {
        case .success(let read?): message = read
        case .success(nil): throw ArrowError("footer block \(block) points to an end-of-stream marker at byte \(offset)")
        case .failure(let error): throw ArrowError("footer block \(block) at byte \(offset): \(error.message)", unsupported: error.unsupported)
        }
        guard message.header == header else {
            throw ArrowError("a footer \(header == .recordBatch ? "record-batch" : "dictionary") block points to a \(message.header) message")
        }
        let bodyStart = offset + message.bodyStart
        guard message.bodyLength <= messagesEnd - bodyStart else {
            throw ArrowError("the message at byte \(offset) claims a body of \(message.bodyLength) bytes, but \(messagesEnd - bodyStart) remain")
        }
        return BatchPlace(bodyStart: bodyStart, bodyLength: message.bodyLength, table: message.table, messageStart: offset)
    }

    /// `count` bytes of `file` from `offset` (small reads: a footer, a message's metadata).
    static func fetch(_ file: RangedFile, at offset: Int, count: Int) throws(ArrowError) -> [UInt8] {
        var failure: ConnectomeError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(ConnectomeError) {
                try file.read(at: offset, into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                failure = error
                UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            }
            initialized = count
        }
        if let failure { throw ArrowError(failure.message) }
        return bytes
    }
}

/// Where the record batches' bytes come from: the whole file in memory, or ranged reads of a file.
enum BatchBytes: @unchecked Sendable {
    case whole(UnsafeRawBufferPointer)
    case ranged(RangedFile)
}

/// The record batches of one table and a decoder for any (batch, column), shared by the parallel tasks.
struct BatchSource: @unchecked Sendable {
    let batches: [ArrowReader.BatchPlace]
    /// Decoders of each batch's metadata alone (`ArrowBatchDecoder.metadata`).
    let plans: [ArrowBatchDecoder]
    let bytes: BatchBytes
    let dictionaries: [Int64: ColumnData]
    let budget: DecompressionBudget
    private let pool = BufferPool()

    init(batches: [ArrowReader.BatchPlace], plans: [ArrowBatchDecoder], bytes: BatchBytes,
         dictionaries: [Int64: ColumnData], budget: DecompressionBudget) {
        self.batches = batches
        self.plans = plans
        self.bytes = bytes
        self.dictionaries = dictionaries
        self.budget = budget
    }

    /// Checks before allocation that `batch` can supply a 64-bit field's values; the bytes its
    /// compressed buffer may decompress to (what it declares, read whole; 8 a row, read in ranges).
    func claimedFixed64(_ batch: Int, _ field: ArrowField, node: Int, buffer: Int) throws(ArrowError) -> Int {
        switch bytes {
        case .whole(let file):
            return try decoder(file, batch).checkFixed64(field, node: node, buffer: buffer)
        case .ranged:
            let plan = plans[batch]
            try plan.checkFixed64Bounds(field, node: node, buffer: buffer)
            return plan.layout.codec == nil ? 0 : 8 * plan.layout.length
        }
    }

    /// Runs `body` with a decoder of `batch` that can read the buffers `buffers` (a field's).
    func withDecoder<R>(_ batch: Int, buffers: Range<Int>,
                        _ body: (ArrowBatchDecoder) throws(ArrowError) -> R) throws(ArrowError) -> R {
        switch bytes {
        case .whole(let file):
            return try body(decoder(file, batch))
        case .ranged(let file):
            let place = batches[batch], layout = plans[batch].layout
            // The span of the field's buffers that lie inside the body (any other is refused by the decoder).
            var low = place.bodyLength, high = 0
            for index in buffers.clamped(to: 0..<layout.buffers.count) {
                let (offset, length) = layout.buffers[index]
                guard length > 0, offset <= place.bodyLength, length <= place.bodyLength - offset else { continue }
                low = min(low, offset)
                high = max(high, offset + length)
            }
            if high <= low { low = 0; high = 0 }
            let window = low..<high
            return try pool.withBuffer(count: window.count) { buffer throws(ArrowError) in
                do throws(ConnectomeError) {
                    try file.read(at: place.bodyStart + low, into: buffer)
                } catch {
                    throw ArrowError(error.message)
                }
                return try body(ArrowBatchDecoder(file: UnsafeRawBufferPointer(buffer), bodyStart: -low, bodyLength: place.bodyLength,
                                                  layout: layout, dictionaries: dictionaries, budget: budget, window: window))
            }
        }
    }

    private func decoder(_ file: UnsafeRawBufferPointer, _ batch: Int) -> ArrowBatchDecoder {
        ArrowBatchDecoder(file: file, bodyStart: batches[batch].bodyStart, bodyLength: batches[batch].bodyLength,
                          layout: plans[batch].layout, dictionaries: dictionaries, budget: budget)
    }
}

/// Buffers for ranged reads, handed to one task at a time and taken back, so that a load uses as
/// many as run at once (one a core) and each stays warm in cache.
final class BufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [UnsafeMutableRawBufferPointer] = []

    func withBuffer<R>(count: Int, _ body: (UnsafeMutableRawBufferPointer) throws(ArrowError) -> R) throws(ArrowError) -> R {
        lock.lock()
        var buffer = free.popLast()
        lock.unlock()
        if let existing = buffer, existing.count < count {
            existing.deallocate()
            buffer = nil
        }
        let held = buffer ?? UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1 << 20), alignment: 64)
        defer {
            lock.lock()
            free.append(held)
            lock.unlock()
        }
        return try body(UnsafeMutableRawBufferPointer(rebasing: held[0..<count]))
    }

    deinit {
        for buffer in free { buffer.deallocate() }
    }
}

extension ArrowError {
    /// The user's error for a file called `name` that this error stopped reading.
    func asConnectomeError(name: String) -> ConnectomeError {
        if unsupported {
            return ConnectomeError.unsupported("\(name): \(message)",
                                               hint: "convert the column with pyarrow or pandas (for instance to strings) and save the table again")
        }
        return ConnectomeError.data("\(name) is not a readable Arrow table: \(message)",
                                    hint: "the file is corrupt or cut short; write it again (pandas: df.to_feather(path))")
    }
}
