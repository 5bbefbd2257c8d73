import Foundation

/// Turns the buffers of one record batch into typed columns, one top-level field at a time.
///
/// Uncompressed buffers are copied straight from the file's bytes into typed arrays (one
/// `memcpy` per buffer on a little-endian machine); compressed ones are decompressed first.
/// Every length, offset and index from the file is checked before it is used.
struct ArrowBatchDecoder: @unchecked Sendable {
    /// The file's bytes, valid for the decoder's lifetime: the whole file (the reader holds it in
    /// `withUnsafeBytes`), or one column's bytes of the body read into a buffer (`ArrowReader+Ranges`).
    let file: UnsafeRawBufferPointer
    /// Where the body starts in `file` (negative when `file` holds only a window of the body).
    let bodyStart: Int
    let bodyLength: Int
    let layout: RecordBatchLayout
    let dictionaries: [Int64: ColumnData]
    let budget: DecompressionBudget
    /// The part of the body (relative offsets) that `file` holds; a buffer outside it is an error.
    let window: Range<Int>

    init(file: UnsafeRawBufferPointer, bodyStart: Int, bodyLength: Int, layout: RecordBatchLayout,
         dictionaries: [Int64: ColumnData], budget: DecompressionBudget, window: Range<Int>? = nil) {
        self.file = file
        self.bodyStart = bodyStart
        self.bodyLength = bodyLength
        self.layout = layout
        self.dictionaries = dictionaries
        self.budget = budget
        self.window = window ?? 0..<bodyLength
    }

    /// A decoder of the metadata alone (for checks before any body byte is read).
    static func metadata(bodyLength: Int, layout: RecordBatchLayout, budget: DecompressionBudget) -> ArrowBatchDecoder {
        ArrowBatchDecoder(file: UnsafeRawBufferPointer(start: nil, count: 0), bodyStart: 0, bodyLength: bodyLength,
                          layout: layout, dictionaries: [:], budget: budget, window: 0..<0)
    }

    /// Decodes `field` whose first node and buffer are `node` and `buffer` (advanced past it).
    func decode(_ field: ArrowField, node: inout Int, buffer: inout Int) throws(ArrowError) -> ColumnData {
        guard node < layout.nodes.count else {
            throw ArrowError("column '\(field.name)': the record batch has \(layout.nodes.count) field nodes, too few for its schema")
        }
        let (length, nullCount) = layout.nodes[node]
        node += 1
        let context = "column '\(field.name)'"

        if let dictionary = field.dictionary {
            let validity = try readValidity(&buffer, length: length, nullCount: nullCount, context)
            let indices = try readIntegers(&buffer, length: length, bits: dictionary.indexBits, signed: dictionary.indexSigned, context)
            guard let values = dictionaries[dictionary.id] else {
                throw ArrowError("\(context) uses dictionary \(dictionary.id), which the file does not define")
            }
            return try Self.decodeDictionary(indices: indices, validity: validity, dictionary: values, context)
        }

        switch field.type {
        case .null:
            return .nulls(.string, count: length)
        case .bool:
            let validity = try readValidity(&buffer, length: length, nullCount: nullCount, context)
            let bits = try bufferBytes(&buffer, needed: (length + 7) / 8, "\(context) flags")
            let values = try bits.with { raw in (0..<length).map { raw[$0 >> 3] >> UInt8($0 & 7) & 1 == 1 } }
            return .bool(ScalarColumn(values: values, validity: validity))
        case .int(let bits, let signed):
            let validity = try readValidity(&buffer, length: length, nullCount: nullCount, context)
            if bits == 64 && !signed {
                return .uint64(ScalarColumn(values: try readFixed(&buffer, length: length, as: UInt64.self, context), validity: validity))
            }
            return .int64(ScalarColumn(values: try readIntegers(&buffer, length: length, bits: bits, signed: signed, context), validity: validity))
        case .floatingPoint(let bits):
            let validity = try readValidity(&buffer, length: length, nullCount: nullCount, context)
            return .double(ScalarColumn(values: try readFloats(&buffer, length: length, bits: bits, context), validity: validity))
        case .timestamp(let unit, let zone):
            let validity = try readValidity(&buffer, length: length, nullCount: nullCount, context)
            return .timestamp(ScalarColumn(values: try readFixed(&buffer, length: length, as: Int64.self, context), validity: validity),
                              unit, timeZone: zone)
        case .date(let days):
            let validity = try readValidity(&buffer, length: length, nullCount: nullCount, context)
            if days {
                let values = try readIntegers(&buffer, length: length, bits: 32, signed: true, context).map { $0 * 86_400 }
                return .timestamp(ScalarColumn(values: values, validity: validity), .second, timeZone: nil)
            }
            return .timestamp(ScalarColumn(values: try readFixed(&buffer, length: length, as: Int64.self, context), validity: validity),
                              .millisecond, timeZone: nil)
        case .utf8, .largeUtf8:
            let validity = try readValidity(&buffer, length: length, nullCount: nullCount, context)
            let offsets = try readOffsets(&buffer, length: length, large: field.type == .largeUtf8, context)
            let data = try bufferBytes(&buffer, needed: offsets.last ?? 0, "\(context) text")
            let first = offsets.first ?? 0
            let rebased = first == 0 ? offsets : offsets.map { $0 - first }
            let bytes = try data.with { raw in [UInt8](UnsafeRawBufferPointer(rebasing: raw[first..<(offsets.last ?? 0)])) }
            return .string(StringColumn(offsets: rebased, bytes: bytes, validity: validity))
        case .list, .largeList:
            let validity = try readValidity(&buffer, length: length, nullCount: nullCount, context)
            let offsets = try readOffsets(&buffer, length: length, large: field.type == .largeList, context)
            guard let child = field.children.first, field.children.count == 1 else {
                throw ArrowError("\(context) is a list without exactly one child field")
            }
            let values = try decode(child, node: &node, buffer: &buffer)
            guard (offsets.last ?? 0) <= values.count else {
                throw ArrowError("\(context): list offsets reach \(offsets.last ?? 0), past its \(values.count) elements")
            }
            return try Self.list(offsets: offsets, values: values, validity: validity, context)
        case .fixedSizeList(let size):
            let validity = try readValidity(&buffer, length: length, nullCount: nullCount, context)
            guard let child = field.children.first, field.children.count == 1 else {
                throw ArrowError("\(context) is a list without exactly one child field")
            }
            let values = try decode(child, node: &node, buffer: &buffer)
            let (needed, overflow) = length.multipliedReportingOverflow(by: size)
            guard !overflow, values.count >= needed else {
                throw ArrowError("\(context): \(length) lists of \(size) need \(length &* size) elements, the child has \(values.count)")
            }
            return try Self.list(offsets: (0...length).map { $0 * size }, values: values, validity: validity, context)
        case .binary, .largeBinary, .structure, .other:
            throw ArrowError("\(context) is of type \(field.type), which the kernel does not read", unsupported: true)
        }
    }

    // MARK: - Buffers

    /// A buffer's bytes: a view of the file, or a decompressed copy.
    enum Bytes {
        case view(UnsafeRawBufferPointer)
        case owned([UInt8])

        func with<R>(_ body: (UnsafeRawBufferPointer) throws(ArrowError) -> R) throws(ArrowError) -> R {
            switch self {
            case .view(let raw): return try body(raw)
            case .owned(let bytes):
                let result: Result<R, ArrowError> = bytes.withUnsafeBytes { raw in
                    do throws(ArrowError) { return .success(try body(raw)) } catch { return .failure(error) }
                }
                return try result.get()
            }
        }
    }

    /// Where a buffer's bytes are, once every bound from the file is checked: a view of the file, or
    /// a compressed payload with the size it declares (at least `needed`).
    enum Location {
        case view(UnsafeRawBufferPointer)
        case compressed(UnsafeRawBufferPointer, declared: Int, codec: BufferCodec)
    }

    /// Buffer `index`, which must hold at least `needed` bytes once uncompressed: the one place the
    /// buffer table, the message body and a compressed buffer's length prefix are checked.
    func locate(_ index: Int, needed: Int, _ what: String) throws(ArrowError) -> Location {
        let (offset, length) = try bounds(index, needed: needed, what)
        guard length > 0 else { return .view(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard offset >= window.lowerBound, offset + length <= window.upperBound else {
            throw ArrowError("\(what): buffer \(index) (offset \(offset), \(length) bytes) lies outside the bytes read for its column (\(window))")
        }
        let raw = UnsafeRawBufferPointer(rebasing: file[(bodyStart + offset)..<(bodyStart + offset + length)])
        guard let codec = layout.codec, length > 0 else { return .view(raw) }
        let declared = Int64(littleEndian: raw.loadUnaligned(as: Int64.self))
        let payload = UnsafeRawBufferPointer(rebasing: raw[8...])
        if declared == -1 {
            guard payload.count >= needed else { throw ArrowError("\(what): buffer \(index) has \(payload.count) bytes, \(needed) expected") }
            return .view(payload)
        }
        guard declared >= Int64(needed), declared <= Int64(Int.max / 2) else {
            throw ArrowError("\(what): compressed buffer \(index) declares \(declared) bytes, \(needed) expected")
        }
        return .compressed(payload, declared: Int(declared), codec: codec)
    }

    /// Buffer `index`'s place in the message body, checked from the metadata alone (no body byte is
    /// read): inside the body, and at least `needed` bytes when stored raw (8, its length prefix, when compressed).
    func bounds(_ index: Int, needed: Int, _ what: String) throws(ArrowError) -> (offset: Int, length: Int) {
        guard index < layout.buffers.count else {
            throw ArrowError("\(what): the record batch has \(layout.buffers.count) buffers, too few for its schema")
        }
        let (offset, length) = layout.buffers[index]
        guard offset <= bodyLength, length <= bodyLength - offset else {
            throw ArrowError("\(what): buffer \(index) (offset \(offset), \(length) bytes) lies outside the \(bodyLength)-byte message body")
        }
        if layout.codec == nil || length == 0 {
            guard length >= needed else { throw ArrowError("\(what): buffer \(index) has \(length) bytes, \(needed) expected") }
        } else {
            guard length >= 8 else { throw ArrowError("\(what): compressed buffer \(index) has \(length) bytes, no room for its 8-byte length") }
        }
        return (offset, length)
    }

    /// Checks from a record batch's metadata alone (before its body is read and before the
    /// table-wide array is allocated) that it can supply a 64-bit field's values.
    func checkFixed64Bounds(_ field: ArrowField, node: Int, buffer: Int) throws(ArrowError) {
        guard node < layout.nodes.count else {
            throw ArrowError("column '\(field.name)': the record batch has \(layout.nodes.count) field nodes, too few for its schema")
        }
        guard layout.nodes[node].length == layout.length else {
            throw ArrowError("column '\(field.name)' has \(layout.nodes[node].length) rows in a record batch of \(layout.length)")
        }
        _ = try bounds(buffer + 1, needed: 8 * layout.length, "column '\(field.name)' values")
    }

    /// Buffer `index` (advanced), at least `needed` bytes once uncompressed.
    func bufferBytes(_ index: inout Int, needed: Int, _ what: String) throws(ArrowError) -> Bytes {
        let location = try locate(index, needed: needed, what)
        index += 1
        switch location {
        case .view(let raw): return .view(raw)
        case .compressed(let payload, let declared, let codec):
            try budget.take(declared, what)
            return .owned(try codec.decompress(payload, length: declared))
        }
    }

    /// Buffer `index` (advanced) written into all of `target`: decompressed straight into it, or
    /// copied once from the file.
    func copyBuffer(_ index: inout Int, into target: UnsafeMutableRawBufferPointer, _ what: String) throws(ArrowError) {
        let location = try locate(index, needed: target.count, what)
        if case .compressed(let payload, let declared, let codec) = location, declared == target.count {
            try budget.take(declared, what)
            try codec.decompress(payload, into: target)
            index += 1
            return
        }
        // Stored raw, or padded past what the rows need: through the general path.
        try bufferBytes(&index, needed: target.count, what).with { bytes throws(ArrowError) in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<target.count]))
        }
    }

    /// Checks, before the table-wide array is allocated, that this batch's buffers can supply a
    /// 64-bit field's values; returns the bytes a compressed buffer will decompress to (0 if stored raw).
    func checkFixed64(_ field: ArrowField, node: Int, buffer: Int) throws(ArrowError) -> Int {
        guard node < layout.nodes.count else {
            throw ArrowError("column '\(field.name)': the record batch has \(layout.nodes.count) field nodes, too few for its schema")
        }
        guard layout.nodes[node].length == layout.length else {
            throw ArrowError("column '\(field.name)' has \(layout.nodes[node].length) rows in a record batch of \(layout.length)")
        }
        switch try locate(buffer + 1, needed: 8 * layout.length, "column '\(field.name)' values") {
        case .view: return 0
        case .compressed(_, let declared, _): return declared
        }
    }

    /// A field of 64-bit values (no dictionary) written into `target`, 8 bytes a row for exactly the
    /// batch's rows; its node and buffers are the field's first (`node`, `buffer`). Returns its validity.
    func decodeFixed64(_ field: ArrowField, node: Int, buffer: Int,
                       into target: UnsafeMutableRawBufferPointer) throws(ArrowError) -> Validity? {
        _ = try checkFixed64(field, node: node, buffer: buffer)
        let (length, nullCount) = layout.nodes[node]
        guard target.count == 8 * length else {
            throw ArrowError("column '\(field.name)': \(target.count) bytes set aside for \(length) rows")
        }
        var index = buffer
        let validity = try readValidity(&index, length: length, nullCount: nullCount, "column '\(field.name)'")
        try copyBuffer(&index, into: target, "column '\(field.name)' values")
        return validity
    }

    /// The validity bitmap (nil when no row is null).
    func readValidity(_ index: inout Int, length: Int, nullCount: Int, _ context: String) throws(ArrowError) -> Validity? {
        if nullCount == 0 {
            index += 1  // present or empty, it says nothing when nothing is null
            guard index <= layout.buffers.count else { throw ArrowError("\(context): the record batch has too few buffers for its schema") }
            return nil
        }
        let bytes = try bufferBytes(&index, needed: (length + 7) / 8, "\(context) validity")
        let words = try bytes.with { raw throws(ArrowError) in
            [UInt64](unsafeUninitializedCapacity: (length + 63) / 64) { target, initialized in
                let byteCount = (length + 7) / 8
                let targetRaw = UnsafeMutableRawBufferPointer(target)
                targetRaw.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<byteCount]))
                for byte in byteCount..<targetRaw.count { targetRaw[byte] = 0 }
                initialized = (length + 63) / 64
            }
        }
        return Validity(words: words, count: length)
    }

    /// `length` little-endian values of `T`, copied in one go.
    func readFixed<T: BitwiseCopyable>(_ index: inout Int, length: Int, as _: T.Type, _ context: String) throws(ArrowError) -> [T] {
        let (needed, overflow) = length.multipliedReportingOverflow(by: MemoryLayout<T>.size)
        guard !overflow else { throw ArrowError("\(context): \(length) values do not fit in memory") }
        let bytes = try bufferBytes(&index, needed: needed, "\(context) values")
        return try bytes.with { raw throws(ArrowError) in
            [T](unsafeUninitializedCapacity: length) { target, initialized in
                UnsafeMutableRawBufferPointer(target).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<needed]))
                initialized = length
            }
        }
    }

    /// Integers of any width as Int64 (uint64 values above Int64 wrap; callers use `readFixed` for uint64).
    func readIntegers(_ index: inout Int, length: Int, bits: Int, signed: Bool, _ context: String) throws(ArrowError) -> [Int64] {
        switch (bits, signed) {
        case (64, _): return try readFixed(&index, length: length, as: Int64.self, context)
        case (32, true): return try readFixed(&index, length: length, as: Int32.self, context).map(Int64.init)
        case (32, false): return try readFixed(&index, length: length, as: UInt32.self, context).map(Int64.init)
        case (16, true): return try readFixed(&index, length: length, as: Int16.self, context).map(Int64.init)
        case (16, false): return try readFixed(&index, length: length, as: UInt16.self, context).map(Int64.init)
        case (8, true): return try readFixed(&index, length: length, as: Int8.self, context).map(Int64.init)
        default: return try readFixed(&index, length: length, as: UInt8.self, context).map(Int64.init)
        }
    }

    func readFloats(_ index: inout Int, length: Int, bits: Int, _ context: String) throws(ArrowError) -> [Double] {
        switch bits {
        case 64: return try readFixed(&index, length: length, as: Double.self, context)
        case 32: return try readFixed(&index, length: length, as: Float.self, context).map(Double.init)
        default: return try readFixed(&index, length: length, as: UInt16.self, context).map(Self.halfToDouble)
        }
    }

    /// `length + 1` offsets, checked to start at or above 0 and never decrease.
    func readOffsets(_ index: inout Int, length: Int, large: Bool, _ context: String) throws(ArrowError) -> [Int] {
        let offsets: [Int]
        if large {
            offsets = try readFixed(&index, length: length + 1, as: Int64.self, context).map { Int(truncatingIfNeeded: $0) }
        } else {
            offsets = try readFixed(&index, length: length + 1, as: Int32.self, context).map(Int.init)
        }
        guard let first = offsets.first, first >= 0 else { throw ArrowError("\(context): offsets start below 0") }
        var previous = first
        for (row, offset) in offsets.enumerated() {
            guard offset >= previous else { throw ArrowError("\(context): offset \(row) is \(offset), below the previous \(previous)") }
            previous = offset
        }
        return offsets
    }
}
