/// The unit of a timestamp column's integers (Arrow's `TimeUnit`).
public enum TimeUnit: String, Sendable, Equatable, CaseIterable {
    case second = "s", millisecond = "ms", microsecond = "us", nanosecond = "ns"

    public var perSecond: Int64 {
        switch self {
        case .second: return 1
        case .millisecond: return 1_000
        case .microsecond: return 1_000_000
        case .nanosecond: return 1_000_000_000
        }
    }
}

/// What a column holds, for messages, schema checks and the writers.
public enum ColumnType: Sendable, Equatable, CustomStringConvertible {
    /// Exact unsigned 64-bit integers: neuron, segment, synapse IDs.
    case uint64
    case int64
    case double
    case bool
    /// Instants as integers of `unit` since 1970 UTC; `timeZone` is the zone to show them in (nil = naive).
    case timestamp(TimeUnit, timeZone: String?)
    case string
    case stringList
    /// 3-vectors of doubles (positions in nm).
    case vector
    /// 3-vectors of integers (positions in voxels).
    case intVector

    public var description: String {
        switch self {
        case .uint64: return "uint64"
        case .int64: return "int64"
        case .double: return "float64"
        case .bool: return "bool"
        case .timestamp(let unit, let zone): return "timestamp[\(unit.rawValue)\(zone.map { ", tz=\($0)" } ?? "")]"
        case .string: return "string"
        case .stringList: return "list<string>"
        case .vector: return "vector3<float64>"
        case .intVector: return "vector3<int64>"
        }
    }

    /// Integers and floats (what comparisons and sums take).
    public var isNumeric: Bool {
        switch self {
        case .uint64, .int64, .double: return true
        default: return false
        }
    }
}

/// A column's values in their typed, contiguous storage.
public enum ColumnData: Sendable, Equatable {
    case uint64(ScalarColumn<UInt64>)
    case int64(ScalarColumn<Int64>)
    case double(ScalarColumn<Double>)
    case bool(ScalarColumn<Bool>)
    case timestamp(ScalarColumn<Int64>, TimeUnit, timeZone: String?)
    case string(StringColumn)
    case stringList(StringListColumn)
    case vector(VectorColumn<Double>)
    case intVector(VectorColumn<Int64>)

    public var type: ColumnType {
        switch self {
        case .uint64: return .uint64
        case .int64: return .int64
        case .double: return .double
        case .bool: return .bool
        case .timestamp(_, let unit, let zone): return .timestamp(unit, timeZone: zone)
        case .string: return .string
        case .stringList: return .stringList
        case .vector: return .vector
        case .intVector: return .intVector
        }
    }

    /// The storage behind the case, for the operations every type shares.
    public var storage: any ColumnStorage {
        switch self {
        case .uint64(let column): return column
        case .int64(let column): return column
        case .double(let column): return column
        case .bool(let column): return column
        case .timestamp(let column, _, _): return column
        case .string(let column): return column
        case .stringList(let column): return column
        case .vector(let column): return column
        case .intVector(let column): return column
        }
    }

    public var count: Int { storage.count }

    /// True for a null row; a NaN double counts as null, as in pandas.
    public func isNull(_ row: Int) -> Bool {
        if case .double(let column) = self { return column.isNull(row) || column.values[row].isNaN }
        return storage.isNull(row)
    }

    /// An all-null column of `type` with `count` rows.
    public static func nulls(_ type: ColumnType, count: Int) -> ColumnData {
        let validity = count == 0 ? nil : Validity(allNull: count)
        switch type {
        case .uint64: return .uint64(ScalarColumn(values: [UInt64](repeating: 0, count: count), validity: validity))
        case .int64: return .int64(ScalarColumn(values: [Int64](repeating: 0, count: count), validity: validity))
        case .double: return .double(ScalarColumn(values: [Double](repeating: 0, count: count), validity: validity))
        case .bool: return .bool(ScalarColumn(values: [Bool](repeating: false, count: count), validity: validity))
        case .timestamp(let unit, let zone):
            return .timestamp(ScalarColumn(values: [Int64](repeating: 0, count: count), validity: validity), unit, timeZone: zone)
        case .string:
            return .string(StringColumn(offsets: [Int](repeating: 0, count: count + 1), bytes: [], validity: validity))
        case .stringList:
            return .stringList(StringListColumn(offsets: [Int](repeating: 0, count: count + 1),
                                                elements: StringColumn([]), validity: validity))
        case .vector: return .vector(VectorColumn(values: [Double](repeating: 0, count: 3 * count), validity: validity))
        case .intVector: return .intVector(VectorColumn(values: [Int64](repeating: 0, count: 3 * count), validity: validity))
        }
    }

    /// Rows `indices` (each in `0..<count`) in that order.
    public func gathering(_ indices: [Int]) -> ColumnData {
        indices.withUnsafeBufferPointer { gathering($0) }
    }

    func gathering(_ indices: UnsafeBufferPointer<Int>) -> ColumnData {
        switch self {
        case .uint64(let column): return .uint64(column.gathering(indices))
        case .int64(let column): return .int64(column.gathering(indices))
        case .double(let column): return .double(column.gathering(indices))
        case .bool(let column): return .bool(column.gathering(indices))
        case .timestamp(let column, let unit, let zone): return .timestamp(column.gathering(indices), unit, timeZone: zone)
        case .string(let column): return .string(column.gathering(indices))
        case .stringList(let column): return .stringList(column.gathering(indices))
        case .vector(let column): return .vector(column.gathering(indices))
        case .intVector(let column): return .intVector(column.gathering(indices))
        }
    }

    /// The cell at `row` as a value (display, tests, small tables; not for scans).
    public func cell(_ row: Int) -> TableCell {
        if isNull(row) { return .null }
        switch self {
        case .uint64(let column): return .uint64(column.values[row])
        case .int64(let column): return .int64(column.values[row])
        case .double(let column): return .double(column.values[row])
        case .bool(let column): return .bool(column.values[row])
        case .timestamp(let column, let unit, let zone): return .timestamp(column.values[row], unit, timeZone: zone)
        case .string(let column): return .string(column.string(at: row))
        case .stringList(let column): return .stringList(column.elementRange(row).map { column.elements[$0] })
        case .vector(let column): return .vector(column[row] ?? [])
        case .intVector(let column): return .intVector(column[row] ?? [])
        }
    }
}

extension ColumnData {
    /// Same type, same rows, same cells: values under nulls do not count, and NaN equals NaN (a
    /// NaN double reads as null anyway).
    public static func == (lhs: ColumnData, rhs: ColumnData) -> Bool {
        guard lhs.type == rhs.type, lhs.count == rhs.count else { return false }
        for row in 0..<lhs.count where !cellsEqual(lhs.cell(row), rhs.cell(row)) { return false }
        return true
    }

    private static func cellsEqual(_ a: TableCell, _ b: TableCell) -> Bool {
        if case .vector(let x) = a, case .vector(let y) = b {
            return zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }
        return a == b
    }
}

/// A named column.
public struct DataColumn: Sendable, Equatable {
    public var name: String
    public var data: ColumnData

    public init(_ name: String, _ data: ColumnData) {
        self.name = name
        self.data = data
    }

    public var type: ColumnType { data.type }
    public var count: Int { data.count }
}
