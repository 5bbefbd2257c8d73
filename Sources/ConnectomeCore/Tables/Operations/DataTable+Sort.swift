import Foundation

/// A column to sort by and its direction.
public struct SortKey: Sendable, Equatable {
    public var column: String
    public var descending: Bool

    public init(_ column: String, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }
}

/// Stable sorting with nulls last in either direction, as pandas' `sort_values(kind="stable")`.
extension DataTable {
    public func sorted(by column: String, descending: Bool = false) throws(ConnectomeError) -> DataTable {
        taking(rows: try sortOrder(by: [SortKey(column, descending: descending)]))
    }

    public func sorted(by keys: [SortKey]) throws(ConnectomeError) -> DataTable {
        taking(rows: try sortOrder(by: keys))
    }

    /// The row order that sorts the table by `keys` (earlier keys first; ties keep table order).
    public func sortOrder(by keys: [SortKey]) throws(ConnectomeError) -> [Int] {
        guard !keys.isEmpty else { return Array(0..<rowCount) }
        let columns = try keys.map { key throws(ConnectomeError) in try requireColumn(key.column) }
        if keys.count == 1 {
            let descending = keys[0].descending
            switch columns[0].data {
            case .uint64(let values): return Self.order(values, descending: descending) { _ in false }
            case .int64(let values): return Self.order(values, descending: descending) { _ in false }
            case .timestamp(let values, _, _): return Self.order(values, descending: descending) { _ in false }
            case .double(let values): return Self.order(values, descending: descending) { $0.isNaN }
            case .bool(let values):
                let bytes = ScalarColumn(values: values.values.map { $0 ? UInt8(1) : 0 }, validity: values.validity)
                return Self.order(bytes, descending: descending) { _ in false }
            default: break
            }
        }
        var comparators: [(Int, Int) -> Int] = []
        for (key, column) in zip(keys, columns) {
            comparators.append(try Self.comparator(column, descending: key.descending))
        }
        var nonNull: [Int] = []
        var nulls: [Int] = []
        // Nulls of the first key go last as a block; later keys order nulls inside their comparator.
        for row in 0..<rowCount {
            if columns[0].data.isNull(row) { nulls.append(row) } else { nonNull.append(row) }
        }
        nonNull.sort { a, b in
            for compare in comparators {
                let order = compare(a, b)
                if order != 0 { return order < 0 }
            }
            return a < b
        }
        if !nulls.isEmpty, comparators.count > 1 {
            nulls.sort { a, b in
                for compare in comparators.dropFirst() {
                    let order = compare(a, b)
                    if order != 0 { return order < 0 }
                }
                return a < b
            }
        }
        return nonNull + nulls
    }

    /// Sorts (value, row) pairs: the fast path for one fixed-size key.
    private static func order<T: Comparable & BitwiseCopyable & Sendable>(
        _ column: ScalarColumn<T>, descending: Bool, isNull extraNull: (T) -> Bool
    ) -> [Int] {
        var pairs: [(T, Int)] = []
        pairs.reserveCapacity(column.count)
        var nulls: [Int] = []
        for row in 0..<column.count {
            let value = column.values[row]
            if column.isNull(row) || extraNull(value) { nulls.append(row) } else { pairs.append((value, row)) }
        }
        if descending {
            pairs.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        } else {
            pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        }
        return pairs.map(\.1) + nulls
    }

    /// -1, 0, 1 for two rows of `column`, nulls after everything in either direction.
    private static func comparator(_ column: DataColumn, descending: Bool) throws(ConnectomeError) -> (Int, Int) -> Int {
        let data = column.data
        let sign = descending ? -1 : 1
        func ordered<T: Comparable>(_ value: @escaping (Int) -> T) -> (Int, Int) -> Int {
            { a, b in
                let nullA = data.isNull(a), nullB = data.isNull(b)
                if nullA || nullB { return nullA == nullB ? 0 : (nullA ? 1 : -1) }
                let x = value(a), y = value(b)
                return x == y ? 0 : (x < y ? -sign : sign)
            }
        }
        switch data {
        case .uint64(let values): return ordered { values.values[$0] }
        case .int64(let values): return ordered { values.values[$0] }
        case .timestamp(let values, _, _): return ordered { values.values[$0] }
        case .double(let values): return ordered { values.values[$0] }
        case .bool(let values): return ordered { values.values[$0] ? 1 : 0 }
        case .string(let strings):
            return { a, b in
                let nullA = data.isNull(a), nullB = data.isNull(b)
                if nullA || nullB { return nullA == nullB ? 0 : (nullA ? 1 : -1) }
                return sign * compareUTF8(strings, a, b)
            }
        default:
            throw ConnectomeError.argument("cannot sort by '\(column.name)': it holds \(column.type) values",
                                           hint: "sort by a number, ID, text, flag or time column")
        }
    }

    /// Byte order of UTF-8, which is code point order (Python's string order).
    private static func compareUTF8(_ strings: StringColumn, _ a: Int, _ b: Int) -> Int {
        let startA = strings.offsets[a], lengthA = strings.offsets[a + 1] - startA
        let startB = strings.offsets[b], lengthB = strings.offsets[b + 1] - startB
        return strings.bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return 0 }
            let common = min(lengthA, lengthB)
            let order = common == 0 ? 0 : memcmp(base + startA, base + startB, common)
            if order != 0 { return order < 0 ? -1 : 1 }
            return lengthA == lengthB ? 0 : (lengthA < lengthB ? -1 : 1)
        }
    }
}
