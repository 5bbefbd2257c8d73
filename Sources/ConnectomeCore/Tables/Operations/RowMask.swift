/// One flag per row: which rows a filter keeps.
///
/// Filters produce masks and criteria combine them with `&&`, so a table is gathered once at the
/// end, however many criteria there are.
public struct RowMask: Sendable, Equatable {
    public var flags: [Bool]

    public init(flags: [Bool]) { self.flags = flags }
    public init(all value: Bool, count: Int) { flags = [Bool](repeating: value, count: count) }

    public var count: Int { flags.count }
    public var selectedCount: Int { flags.reduce(0) { $0 + ($1 ? 1 : 0) } }
    public subscript(row: Int) -> Bool { flags[row] }

    /// The indices of the selected rows, ascending.
    public var selectedRows: [Int] {
        var rows: [Int] = []
        rows.reserveCapacity(selectedCount)
        for (row, flag) in flags.enumerated() where flag { rows.append(row) }
        return rows
    }

    public static func && (lhs: RowMask, rhs: RowMask) -> RowMask {
        precondition(lhs.count == rhs.count, "masks of different lengths")
        return RowMask(flags: zip(lhs.flags, rhs.flags).map { $0 && $1 })
    }

    public static func || (lhs: RowMask, rhs: RowMask) -> RowMask {
        precondition(lhs.count == rhs.count, "masks of different lengths")
        return RowMask(flags: zip(lhs.flags, rhs.flags).map { $0 || $1 })
    }

    public static prefix func ! (mask: RowMask) -> RowMask { RowMask(flags: mask.flags.map { !$0 }) }
}
