/// The fields of a CSV table's data rows, column by column: for each column a start and an end
/// byte offset per row, as 32-bit numbers (the tokenizer refuses 2 GiB of text or more).
///
/// Column by column so that each column builder reads its fields front to back; row by row, a
/// builder read one 8-byte offset per cache line. A field stored escaped (doubled quotes, text after
/// its closing quote) has the high bit of its start set and is unescaped on use; a missing field
/// (a short row) has both offsets at `UInt32.max`.
final class CSVFields: @unchecked Sendable {
    /// Text at least this long is not tokenized: 2³¹ − 1, so that every offset leaves the high bit free.
    static let limit = Int(Int32.max)
    private static let escapedBit: UInt32 = 0x8000_0000
    private static let missingMark = UInt32.max

    let header: [String]
    var columnCount: Int { header.count }
    /// Data rows tokenized.
    var rowCount = 0
    /// Rows each column has room for; column `c`'s offsets are at `c * capacity ..< c * capacity + rowCount`.
    private var capacity: Int
    private var starts: UnsafeMutablePointer<UInt32>
    private var ends: UnsafeMutablePointer<UInt32>

    /// Room for `capacity` rows at first (more as rows come; pages past the rows written are never touched).
    init(header: [String], capacity: Int) {
        self.header = header
        // At most 16 Mi rows set aside at first: a bad estimate costs a copy, not a huge reservation.
        self.capacity = max(16, min(capacity, 1 << 24))
        let slots = max(1, header.count * self.capacity)
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

    /// The field as `CSVTokenizer.withField` takes it: `[start, end)`, `~start` when escaped, `CSVTokenizer.missing` when missing.
    @inline(__always) func range(row: Int, column: Int) -> (start: Int, end: Int) {
        let index = column * capacity + row
        let start = starts[index]
        if start == Self.missingMark { return (CSVTokenizer.missing, CSVTokenizer.missing) }
        if start & Self.escapedBit != 0 { return (~Int(start & ~Self.escapedBit), Int(ends[index])) }
        return (Int(start), Int(ends[index]))
    }
}
