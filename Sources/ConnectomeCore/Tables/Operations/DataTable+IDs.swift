/// Tables as ID lists: `neurons … | partners` takes the IDs of the table on its left.
extension DataTable {
    /// The columns that hold a table's neuron IDs, in order of preference.
    public static let idColumnPreference = ["root_id", "id", "pre", "post"]

    /// The first of `idColumnPreference` the table has, or nil.
    public var idColumnName: String? {
        Self.idColumnPreference.first { columnIndex($0) != nil }
    }

    /// The IDs in `column` (default: `idColumnName`) in row order; null cells are skipped.
    ///
    /// An integer column must hold no negative value and a string column only exact decimal IDs;
    /// anything else is an error naming the row.
    public func ids(column name: String? = nil) throws(ConnectomeError) -> [SegmentID] {
        guard let name = name ?? idColumnName else {
            throw ConnectomeError.argument(
                "the table has no ID column (\(Self.idColumnPreference.map { "'\($0)'" }.joined(separator: ", "))); its columns are \(columnNames.map { "'\($0)'" }.joined(separator: ", "))",
                hint: "name the column to take the IDs from, or rename it to root_id")
        }
        let column = try requireColumn(name)
        var result: [SegmentID] = []
        result.reserveCapacity(rowCount)
        switch column.data {
        case .uint64(let values):
            for row in 0..<rowCount where !values.isNull(row) { result.append(SegmentID(values.values[row])) }
        case .int64(let values):
            for row in 0..<rowCount where !values.isNull(row) {
                let value = values.values[row]
                guard value >= 0 else {
                    throw ConnectomeError.argument("row \(row) of '\(name)' is \(value), which is not a neuron ID",
                                                   hint: SegmentID.rangeHint)
                }
                result.append(SegmentID(UInt64(value)))
            }
        case .string(let values):
            for row in 0..<rowCount where !values.isNull(row) {
                do {
                    result.append(try SegmentID(parsing: values.string(at: row)))
                } catch {
                    throw ConnectomeError.argument("row \(row) of '\(name)': \(error.message)", hint: error.hint)
                }
            }
        default:
            throw ConnectomeError.argument("column '\(name)' holds \(column.type) values, not neuron IDs",
                                           hint: "take the IDs from an integer or ID column")
        }
        return result
    }

    /// The column's values as unsigned keys for hashing: nil for a null row or a negative integer
    /// (which no ID equals). Only ID and integer columns have keys.
    func idKeys(_ name: String) throws(ConnectomeError) -> IDKeys {
        let column = try requireColumn(name)
        switch column.data {
        case .uint64(let values): return IDKeys(values: values.values, validity: values.validity)
        case .int64(let values):
            var validity = values.validity ?? Validity(allValid: values.count)
            let keys = values.values.enumerated().map { row, value -> UInt64 in
                if value < 0 { validity.set(row, valid: false) }
                return UInt64(bitPattern: value)
            }
            return IDKeys(values: keys, validity: validity.simplified)
        default:
            throw ConnectomeError.argument("column '\(name)' holds \(column.type) values, not IDs",
                                           hint: "use an ID or integer column")
        }
    }
}

/// An ID or integer column seen as UInt64 keys.
struct IDKeys {
    var values: [UInt64]
    var validity: Validity?

    @inline(__always) func key(_ row: Int) -> UInt64? {
        if let validity, !validity.isValid(row) { return nil }
        return values[row]
    }
}

/// Rows by ID: built once per table, answers `annotations IDS` in the order given.
public struct RowIndex: Sendable {
    public let column: String
    private let map: FastHashMap<UInt64>
    /// First row of each distinct key (by entry number).
    private let firstRow: [Int]
    /// The next row with the same key, or -1.
    private let nextRow: [Int]

    /// Indexes column `name` (an ID or integer column) of `table`; nulls are not indexed.
    public init(_ table: DataTable, column name: String) throws(ConnectomeError) {
        let keys = try table.idKeys(name)
        var map = FastHashMap<UInt64>(capacity: table.rowCount)
        var first: [Int] = []
        var last: [Int] = []
        var next = [Int](repeating: -1, count: table.rowCount)
        for row in 0..<table.rowCount {
            guard let key = keys.key(row) else { continue }
            let (entry, inserted) = map.insert(key)
            if inserted {
                first.append(row)
                last.append(row)
            } else {
                next[last[entry]] = row
                last[entry] = row
            }
        }
        column = name
        self.map = map
        firstRow = first
        nextRow = next
    }

    public var distinctCount: Int { map.count }

    public func contains(_ id: UInt64) -> Bool { map.find(id) != nil }

    /// Every row holding `id`, in table order.
    public func rows(for id: UInt64) -> [Int] {
        guard let entry = map.find(id) else { return [] }
        var rows: [Int] = []
        var row = firstRow[entry]
        while row >= 0 {
            rows.append(row)
            row = nextRow[row]
        }
        return rows
    }

    /// The rows of `ids` in the order given (all rows of an ID that appears more than once in the
    /// table), and the IDs not found, in the order given.
    public func lookup(_ ids: [UInt64]) -> (rows: [Int], missing: [UInt64]) {
        var rows: [Int] = []
        rows.reserveCapacity(ids.count)
        var missing: [UInt64] = []
        for id in ids {
            guard let entry = map.find(id) else { missing.append(id); continue }
            var row = firstRow[entry]
            while row >= 0 {
                rows.append(row)
                row = nextRow[row]
            }
        }
        return (rows, missing)
    }
}

extension DataTable {
    /// The rows whose `column` holds one of `ids` (nulls never match).
    public func mask(_ column: String, in ids: [UInt64]) throws(ConnectomeError) -> RowMask {
        let keys = try idKeys(column)
        var flags = [Bool](repeating: false, count: rowCount)
        if ids.count <= 8 {
            for row in 0..<rowCount { if let key = keys.key(row) { flags[row] = ids.contains(key) } }
        } else {
            var set = FastHashMap<UInt64>(capacity: ids.count)
            for id in ids { _ = set.insert(id) }
            for row in 0..<rowCount { if let key = keys.key(row) { flags[row] = set.find(key) != nil } }
        }
        return RowMask(flags: flags)
    }

    /// The rows of `ids` in the order given, with the IDs not found (see `RowIndex.lookup`).
    public func rows(withIDs ids: [UInt64], column: String? = nil) throws(ConnectomeError) -> (table: DataTable, missing: [UInt64]) {
        guard let name = column ?? idColumnName else { _ = try self.ids(); return (self, ids) }
        let index = try RowIndex(self, column: name)
        let (rows, missing) = index.lookup(ids)
        return (taking(rows: rows), missing)
    }
}

extension DataTable {
    /// One ID per row of column `name`, nil where the cell is null (integers must not be negative, text
    /// must be an exact decimal ID; anything else is an error naming the row).
    public func optionalIDs(column name: String) throws(ConnectomeError) -> [SegmentID?] {
        let column = try requireColumn(name)
        var result: [SegmentID?] = []
        result.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            switch column.data.cell(row) {
            case .null: result.append(nil)
            case .uint64(let value): result.append(SegmentID(value))
            case .int64(let value) where value >= 0: result.append(SegmentID(UInt64(value)))
            case .string(let text):
                do { result.append(try SegmentID(parsing: text)) } catch {
                    throw ConnectomeError.argument("row \(row) of '\(name)': \(error.message)", hint: error.hint)
                }
            case let cell:
                throw ConnectomeError.argument("row \(row) of '\(name)' is \(cell.text ?? "null"), which is not a neuron ID",
                                               hint: SegmentID.rangeHint)
            }
        }
        return result
    }

    /// The table with each ID of column `name` replaced through `current` (IDs not in it stay, nulls stay
    /// null): how an annotation table follows its neurons' edits (crantpy's `update_ids`). The column
    /// becomes exact unsigned 64-bit, whatever integer or text form it had.
    public func replacingIDs(in name: String, with current: [SegmentID: SegmentID]) throws(ConnectomeError) -> DataTable {
        guard !current.isEmpty else { return self }
        let replaced = try optionalIDs(column: name).map { id in id.map { (current[$0] ?? $0).rawValue } }
        return try setting(DataColumn(name, .uint64(ScalarColumn(replaced, null: 0))))
    }
}
