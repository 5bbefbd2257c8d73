/// A column whose cells are lists of strings (Seatable multiple-selects: `status`, `region`).
///
/// Arrow's `list<utf8>`: the elements of all rows in one `StringColumn`, one offset per row.
/// An element may itself be null (pyarrow writes `[None, "a"]` that way).
public struct StringListColumn: ColumnStorage {
    /// `count + 1` offsets into `elements`, non-decreasing, starting at 0.
    public private(set) var offsets: [Int]
    public private(set) var elements: StringColumn
    public private(set) var validity: Validity?

    init(offsets: [Int], elements: StringColumn, validity: Validity?) {
        precondition(offsets.first == 0 && offsets.last.map { $0 <= elements.count } == true, "list offsets out of range")
        precondition(validity.map { $0.count == offsets.count - 1 } ?? true, "validity length differs from the rows")
        self.offsets = offsets
        self.elements = elements
        self.validity = validity?.simplified
    }

    /// Lists with nil as a null cell.
    public init(_ lists: [[String?]?]) {
        var builder = StringListColumnBuilder()
        for list in lists {
            if let list { builder.append(list) } else { builder.appendNull() }
        }
        self = builder.finish()
    }

    public var count: Int { offsets.count - 1 }

    /// The same rows with another null bitmap.
    func replacingValidity(_ validity: Validity?) -> StringListColumn {
        var copy = self
        copy.validity = validity?.simplified
        return copy
    }

    /// The element range of row `row`.
    @inline(__always) public func elementRange(_ row: Int) -> Range<Int> { offsets[row]..<offsets[row + 1] }

    public subscript(row: Int) -> [String?]? {
        isNull(row) ? nil : elementRange(row).map { elements[$0] }
    }

    public func gathering(_ indices: UnsafeBufferPointer<Int>) -> StringListColumn {
        var newOffsets = [Int](repeating: 0, count: indices.count + 1)
        var elementRows: [Int] = []
        elementRows.reserveCapacity(indices.reduce(0) { $0 + offsets[$1 + 1] - offsets[$1] })
        for (position, row) in indices.enumerated() {
            elementRows.append(contentsOf: offsets[row]..<offsets[row + 1])
            newOffsets[position + 1] = elementRows.count
        }
        let newElements = elementRows.withUnsafeBufferPointer { elements.gathering($0) }
        return StringListColumn(offsets: newOffsets, elements: newElements, validity: validity?.gathering(indices))
    }

    public static func concatenating(_ parts: [StringListColumn]) -> StringListColumn {
        var offsets: [Int] = [0]
        var elementParts: [StringColumn] = []
        var base = 0
        for part in parts {
            // Elements before offsets[0] or after the last offset belong to no row: cut them away.
            let range = part.offsets[0]..<part.offsets[part.count]
            let used = Array(range)
            elementParts.append(used.withUnsafeBufferPointer { part.elements.gathering($0) })
            for index in 1..<part.offsets.count { offsets.append(base + part.offsets[index] - part.offsets[0]) }
            base += range.count
        }
        return StringListColumn(offsets: offsets, elements: StringColumn.concatenating(elementParts),
                                validity: Validity.concatenating(parts.map { ($0.validity, $0.count) }))
    }
}

/// Appends lists row by row.
struct StringListColumnBuilder {
    private(set) var offsets: [Int] = [0]
    var elements = StringColumnBuilder()
    private var validity = ValidityBuilder()

    init() {}

    /// Room for `rows` rows' offsets and validity set aside at once (no growth copies per row).
    init(rowCapacity rows: Int) {
        offsets.reserveCapacity(rows + 1)
        validity = ValidityBuilder(capacity: rows)
    }

    mutating func append(_ list: [String?]) {
        for element in list {
            if let element { elements.append(element) } else { elements.appendNull() }
        }
        closeRow()
    }

    /// Ends a row whose elements were appended to `elements` directly.
    mutating func closeRow() {
        offsets.append(elements.count)
        validity.append(true)
    }

    mutating func appendNull() {
        offsets.append(elements.count)
        validity.append(false)
    }

    func finish() -> StringListColumn {
        StringListColumn(offsets: offsets, elements: elements.finish(), validity: validity.finish())
    }
}
