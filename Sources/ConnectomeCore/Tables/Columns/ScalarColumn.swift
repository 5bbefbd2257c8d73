/// The storage every column type shares: a length, a null bitmap, gather and concatenation.
///
/// Operations on a table (filter, sort, head, concat) are written once against this protocol.
public protocol ColumnStorage: Sendable, Equatable {
    var count: Int { get }
    /// nil when no row is null.
    var validity: Validity? { get }
    /// Rows `indices` (each in `0..<count`) in that order.
    func gathering(_ indices: UnsafeBufferPointer<Int>) -> Self
    /// The parts one after the other.
    static func concatenating(_ parts: [Self]) -> Self
}

extension ColumnStorage {
    @inline(__always) public func isNull(_ row: Int) -> Bool { validity.map { !$0.isValid(row) } ?? false }
    public var nullCount: Int { validity?.nullCount ?? 0 }
}

/// A column of fixed-size values in one contiguous array (IDs, integers, doubles, flags, times).
///
/// The value under a null is unspecified (zero in practice) and never read as data.
public struct ScalarColumn<Element: BitwiseCopyable & Sendable & Equatable>: ColumnStorage {
    public var values: [Element]
    public var validity: Validity?

    public init(values: [Element], validity: Validity? = nil) {
        precondition(validity.map { $0.count == values.count } ?? true, "validity length differs from the values")
        self.values = values
        self.validity = validity?.simplified
    }

    /// Values with nil as null (tests and small tables).
    public init(_ optionals: [Element?], null: Element) {
        var builder = ValidityBuilder(capacity: optionals.count)
        values = optionals.map { value in
            builder.append(value != nil)
            return value ?? null
        }
        validity = builder.finish()
    }

    public var count: Int { values.count }

    public subscript(row: Int) -> Element? { isNull(row) ? nil : values[row] }

    public func gathering(_ indices: UnsafeBufferPointer<Int>) -> ScalarColumn {
        let gathered = values.withUnsafeBufferPointer { source in
            [Element](unsafeUninitializedCapacity: indices.count) { target, initialized in
                for (position, row) in indices.enumerated() { target[position] = source[row] }
                initialized = indices.count
            }
        }
        return ScalarColumn(values: gathered, validity: validity?.gathering(indices))
    }

    public static func concatenating(_ parts: [ScalarColumn]) -> ScalarColumn {
        var values: [Element] = []
        values.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { values.append(contentsOf: part.values) }
        return ScalarColumn(values: values, validity: Validity.concatenating(parts.map { ($0.validity, $0.count) }))
    }
}

/// A column of 3-vectors (positions) stored as x, y, z triples in one array.
public struct VectorColumn<Element: BitwiseCopyable & Sendable & Equatable>: ColumnStorage {
    /// `3 × count` values: row r is `values[3r ..< 3r + 3]`.
    public var values: [Element]
    public var validity: Validity?

    public init(values: [Element], validity: Validity? = nil) {
        precondition(values.count % 3 == 0, "a vector column holds 3 values per row")
        precondition(validity.map { $0.count == values.count / 3 } ?? true, "validity length differs from the rows")
        self.values = values
        self.validity = validity?.simplified
    }

    public var count: Int { values.count / 3 }

    public subscript(row: Int) -> [Element]? {
        isNull(row) ? nil : [values[3 * row], values[3 * row + 1], values[3 * row + 2]]
    }

    public func gathering(_ indices: UnsafeBufferPointer<Int>) -> VectorColumn {
        let gathered = values.withUnsafeBufferPointer { source in
            [Element](unsafeUninitializedCapacity: 3 * indices.count) { target, initialized in
                for (position, row) in indices.enumerated() {
                    target[3 * position] = source[3 * row]
                    target[3 * position + 1] = source[3 * row + 1]
                    target[3 * position + 2] = source[3 * row + 2]
                }
                initialized = 3 * indices.count
            }
        }
        return VectorColumn(values: gathered, validity: validity?.gathering(indices))
    }

    public static func concatenating(_ parts: [VectorColumn]) -> VectorColumn {
        var values: [Element] = []
        values.reserveCapacity(parts.reduce(0) { $0 + $1.values.count })
        for part in parts { values.append(contentsOf: part.values) }
        return VectorColumn(values: values, validity: Validity.concatenating(parts.map { ($0.validity, $0.count) }))
    }
}
