/// Which rows of a column hold a value: one bit per row, 1 = valid, least significant bit first.
///
/// This is Arrow's validity bitmap, so an Arrow buffer becomes a `Validity` by one copy, and a
/// column without nulls carries none at all (`nil` in the column).
public struct Validity: Sendable, Equatable {
    /// 64 rows per word; bits past `count` are zero.
    public private(set) var words: [UInt64]
    public let count: Int

    /// Every row valid.
    public init(allValid count: Int) {
        self.count = count
        words = [UInt64](repeating: ~0, count: (count + 63) >> 6)
        clearTail()
    }

    /// Every row null.
    public init(allNull count: Int) {
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) >> 6)
    }

    /// Takes `words` as they are (at least `(count + 63) / 64` of them), clearing the bits past `count`.
    public init(words: [UInt64], count: Int) {
        let needed = (count + 63) >> 6
        var words = words
        if words.count > needed { words.removeLast(words.count - needed) }
        while words.count < needed { words.append(0) }
        self.words = words
        self.count = count
        clearTail()
    }

    public init(_ flags: some Collection<Bool>) {
        self.init(allNull: flags.count)
        for (row, flag) in flags.enumerated() where flag { words[row >> 6] |= 1 << UInt64(row & 63) }
    }

    @inline(__always) public func isValid(_ row: Int) -> Bool {
        words[row >> 6] >> UInt64(row & 63) & 1 == 1
    }

    @inline(__always) public mutating func set(_ row: Int, valid: Bool) {
        if valid { words[row >> 6] |= 1 << UInt64(row & 63) } else { words[row >> 6] &= ~(1 << UInt64(row & 63)) }
    }

    public var validCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
    public var nullCount: Int { count - validCount }

    /// nil when every row is valid: the form columns keep.
    public var simplified: Validity? { validCount == count ? nil : self }

    /// The validity of rows `indices` in that order.
    func gathering(_ indices: UnsafeBufferPointer<Int>) -> Validity? {
        var result = Validity(allNull: indices.count)
        words.withUnsafeBufferPointer { source in
            result.words.withUnsafeMutableBufferPointer { target in
                for (position, row) in indices.enumerated() where source[row >> 6] >> UInt64(row & 63) & 1 == 1 {
                    target[position >> 6] |= 1 << UInt64(position & 63)
                }
            }
        }
        return result.simplified
    }

    /// `parts` one after the other; a nil part is all valid.
    static func concatenating(_ parts: [(validity: Validity?, count: Int)]) -> Validity? {
        guard parts.contains(where: { $0.validity != nil }) else { return nil }
        let total = parts.reduce(0) { $0 + $1.count }
        var result = Validity(allNull: total)
        var start = 0
        for part in parts {
            for row in 0..<part.count where part.validity?.isValid(row) ?? true { result.set(start + row, valid: true) }
            start += part.count
        }
        return result.simplified
    }

    private mutating func clearTail() {
        let rest = count & 63
        if rest != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(rest)) - 1 }
    }
}

/// Collects validity row by row; `finish()` gives nil when no row was null.
struct ValidityBuilder {
    private(set) var words: [UInt64] = []
    private(set) var count = 0
    private(set) var sawNull = false

    init(capacity: Int = 0) { words.reserveCapacity((capacity + 63) >> 6) }

    @inline(__always) mutating func append(_ valid: Bool) {
        if count & 63 == 0 { words.append(0) }
        if valid { words[count >> 6] |= 1 << UInt64(count & 63) } else { sawNull = true }
        count += 1
    }

    func finish() -> Validity? { sawNull ? Validity(words: words, count: count) : nil }
}
