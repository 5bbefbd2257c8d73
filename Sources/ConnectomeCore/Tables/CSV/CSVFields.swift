/// The fields of a CSV table's data rows, column by column: for each column a start and an end
/// byte offset per row, as 32-bit numbers (the tokenizer refuses 2 GiB of text or more).
///
/// Column by column so that each column builder reads its fields front to back; row by row, a
/// builder read one 8-byte offset per cache line. The rows come in blocks, one per part of the
/// file that was tokenized on its own core.
final class CSVFields: @unchecked Sendable {
    /// Text at least this long is not tokenized: 2³¹ − 1, so that every offset leaves the high bit free.
    static let limit = Int(Int32.max)

    let header: [String]
    var columnCount: Int { header.count }
    let rowCount: Int
    /// The blocks own the offsets that `segments` point into.
    private let blocks: [CSVFieldBlock]
    private let segments: UnsafeMutablePointer<Segment>
    private let segmentCount: Int

    private struct Segment {
        let firstRow: Int
        let capacity: Int
        let starts: UnsafeMutablePointer<UInt32>
        let ends: UnsafeMutablePointer<UInt32>
    }

    /// The rows of `blocks`, in order; the blocks are not written to again.
    init(header: [String], blocks: [CSVFieldBlock]) {
        self.header = header
        self.blocks = blocks
        segmentCount = max(1, blocks.count)
        segments = .allocate(capacity: segmentCount)
        var rows = 0
        for (index, block) in blocks.enumerated() {
            (segments + index).initialize(to: Segment(firstRow: rows, capacity: block.capacity, starts: block.starts, ends: block.ends))
            rows += block.rowCount
        }
        if blocks.isEmpty {
            segments.initialize(to: Segment(firstRow: 0, capacity: 0, starts: UnsafeMutablePointer(bitPattern: 8)!, ends: UnsafeMutablePointer(bitPattern: 8)!))
        }
        rowCount = rows
    }

    deinit {
        segments.deinitialize(count: segmentCount)
        segments.deallocate()
    }

    /// The field as `CSVTokenizer.withField` takes it: `[start, end)`, `~start` when escaped,
    /// `CSVTokenizer.missing` when missing; `row` < `rowCount`.
    @inline(__always) func range(row: Int, column: Int) -> (start: Int, end: Int) {
        var index = 0
        while index + 1 < segmentCount, row >= segments[index + 1].firstRow { index += 1 }
        let segment = segments[index]
        return CSVFieldBlock.decode(starts: segment.starts, ends: segment.ends, at: column * segment.capacity + row - segment.firstRow)
    }
}

/// One part's rows: a start and an end offset per field, column by column. A field stored escaped
/// (doubled quotes, text after its closing quote) has the high bit of its start set and is
/// unescaped on use; a missing field (a short row) has both offsets at `UInt32.max`.
final class CSVFieldBlock: @unchecked Sendable {
    private static let escapedBit: UInt32 = 0x8000_0000
    private static let missingMark = UInt32.max

    let columnCount: Int
    /// Data rows tokenized.
    var rowCount = 0
    /// Rows each column has room for; column `c`'s offsets are at `c * capacity ..< c * capacity + rowCount`.
    private(set) var capacity: Int
    private(set) var starts: UnsafeMutablePointer<UInt32>
    private(set) var ends: UnsafeMutablePointer<UInt32>

    /// Room for `capacity` rows at first (more as rows come; pages past the rows written are never touched).
    init(columnCount: Int, capacity: Int) {
        self.columnCount = columnCount
        // At most 16 Mi rows set aside at first: a bad estimate costs a copy, not a huge reservation.
        self.capacity = max(16, min(capacity, 1 << 24))
        let slots = max(1, columnCount * self.capacity)
        starts = .allocate(capacity: slots)
        ends = .allocate(capacity: slots)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
    }

    /// Makes room for one more row.
    @inline(__always) func reserveRow() {
        if rowCount == capacity { grow() }
    }

    private func grow() {
        let newCapacity = capacity * 2
        let newStarts = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, columnCount * newCapacity))
        let newEnds = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, columnCount * newCapacity))
        for column in 0..<columnCount {
            (newStarts + column * newCapacity).initialize(from: starts + column * capacity, count: rowCount)
            (newEnds + column * newCapacity).initialize(from: ends + column * capacity, count: rowCount)
        }
        starts.deallocate()
        ends.deallocate()
        starts = newStarts
        ends = newEnds
        capacity = newCapacity
    }

    /// Field `[start, end)` of `row` (< the capacity `reserveRow` made); `escaped`: `start` is its opening quote.
    @inline(__always) func set(row: Int, column: Int, start: Int, end: Int, escaped: Bool) {
        let index = column * capacity + row
        starts[index] = UInt32(truncatingIfNeeded: start) | (escaped ? Self.escapedBit : 0)
        ends[index] = UInt32(truncatingIfNeeded: end)
    }

    @inline(__always) func setMissing(row: Int, column: Int) {
        let index = column * capacity + row
        starts[index] = Self.missingMark
        ends[index] = Self.missingMark
    }

    /// The field at `index` of `starts`/`ends`, as `CSVFields.range` returns it.
    @inline(__always) static func decode(starts: UnsafeMutablePointer<UInt32>, ends: UnsafeMutablePointer<UInt32>,
                                         at index: Int) -> (start: Int, end: Int) {
        let start = starts[index]
        if start == missingMark { return (CSVTokenizer.missing, CSVTokenizer.missing) }
        if start & escapedBit != 0 { return (~Int(start & ~escapedBit), Int(ends[index])) }
        return (Int(start), Int(ends[index]))
    }
}
