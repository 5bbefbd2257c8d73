/// Columns of 64-bit numbers (IDs, counts, positions, sizes, times: most of a synapse table),
/// decoded by every record batch straight into its rows of one table-wide array.
///
/// The general path builds an array per batch and column and then joins the batches, so every
/// value is written three or four times into fresh pages (decompressed, copied, joined, turned into
/// IDs); at ten million rows the page faults of those copies cost more than the decompression.
/// Here each value is written once: an LZ4 or ZSTD buffer is decompressed into its final place.
extension ArrowReader {
    /// Whether `field` takes the direct path.
    static func isDirect(_ field: ArrowField) -> Bool {
        guard field.dictionary == nil else { return false }
        switch field.type {
        case .int(64, _), .floatingPoint(64), .timestamp: return true
        default: return false
        }
    }

    /// The column of `field` (schema position `column`) across all batches.
    static func directColumn(_ field: ArrowField, source: BatchSource, node: Int, buffer: Int,
                             rowStarts: [Int], rows: Int, serial: Bool = false) throws(ArrowError) -> ColumnData {
        switch field.type {
        case .int(64, false):
            let (values, validity) = try fill(UInt64.self, field, source, node, buffer, rowStarts, rows, serial)
            return .uint64(ScalarColumn(values: values, validity: validity))
        case .int(64, true) where ColumnNaming.isIDName(field.name):
            // Read as uint64 at once; an ID column with a negative value (rare) stays int64.
            let (values, validity) = try fill(UInt64.self, field, source, node, buffer, rowStarts, rows, serial)
            let negative = values.indices.contains { values[$0] > UInt64(Int64.max) && validity?.isValid($0) ?? true }
            guard negative else { return .uint64(ScalarColumn(values: values, validity: validity)) }
            return .int64(ScalarColumn(values: values.map { Int64(bitPattern: $0) }, validity: validity))
        case .int(64, true):
            let (values, validity) = try fill(Int64.self, field, source, node, buffer, rowStarts, rows, serial)
            return .int64(ScalarColumn(values: values, validity: validity))
        case .timestamp(let unit, let zone):
            let (values, validity) = try fill(Int64.self, field, source, node, buffer, rowStarts, rows, serial)
            return .timestamp(ScalarColumn(values: values, validity: validity), unit, timeZone: zone)
        default:
            let (values, validity) = try fill(Double.self, field, source, node, buffer, rowStarts, rows, serial)
            return .double(ScalarColumn(values: values, validity: validity))
        }
    }

    /// All batches' values of one 64-bit field in one array, batches decoded on all cores.
    private static func fill<T: BitwiseCopyable & Sendable>(
        _: T.Type, _ field: ArrowField, _ source: BatchSource, _ node: Int, _ buffer: Int,
        _ rowStarts: [Int], _ rows: Int, _ serial: Bool
    ) throws(ArrowError) -> ([T], Validity?) {
        // Before any memory is set aside: every batch's buffer can supply its rows, and what the
        // compressed ones claim stays within the file's decompression budget.
        var claimed = 0
        for batch in source.plans.indices {
            claimed += try source.claimedFixed64(batch, field, node: node, buffer: buffer)
            guard claimed <= source.budget.limit else {
                throw ArrowError("column '\(field.name)': its compressed buffers claim more than \(source.budget.limit) bytes (256× the file); the file is corrupt or a decompression bomb")
            }
        }
        let plans = source.plans
        let buffers = buffer..<(buffer + field.bufferCount)
        var outcomes: [Result<Validity?, ArrowError>] = []
        let values = [T](unsafeUninitializedCapacity: rows) { storage, initialized in
            let target = SharedTarget(base: UnsafeMutableRawBufferPointer(storage))
            LargeMemory.adviseHugePages(target.base)
            outcomes = ParallelWork.map(Array(plans.indices), minimumItemsForParallel: serial ? Int.max : 2) { batch in
                let start = 8 * rowStarts[batch], end = 8 * (rowStarts[batch] + plans[batch].layout.length)
                let slice = UnsafeMutableRawBufferPointer(rebasing: target.base[start..<end])
                do throws(ArrowError) {
                    return .success(try source.withDecoder(batch, buffers: buffers) { decoder throws(ArrowError) in
                        try decoder.decodeFixed64(field, node: node, buffer: buffer, into: slice)
                    })
                } catch {
                    slice.initializeMemory(as: UInt8.self, repeating: 0)  // never leave a failed batch's bytes unset
                    return .failure(error)
                }
            }
            initialized = rows
        }
        var parts: [(validity: Validity?, count: Int)] = []
        for (batch, outcome) in outcomes.enumerated() {
            parts.append((try outcome.get(), plans[batch].layout.length))
        }
        return (values, Validity.concatenating(parts))
    }

    /// The table-wide array's memory, shared by the batches that each write their own rows of it.
    private struct SharedTarget: @unchecked Sendable {
        let base: UnsafeMutableRawBufferPointer
    }
}
