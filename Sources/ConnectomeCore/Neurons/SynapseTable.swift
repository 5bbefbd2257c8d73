/// A synapse or connection table in one vocabulary, whatever names its file used.
///
/// Scientists bring two shapes: synapse-level tables (one row per synapse, CAVE's names
/// `pre_pt_root_id`, `post_pt_root_id`, `pre_pt_position`, `size`) and connection-level tables
/// (one row per pair with a count, FlyWire Codex's `pre_root_id`, `post_root_id`, `syn_count`).
/// Both are read into columns `pre`, `post` (uint64) and, for connections, `weight`; the rest of
/// the columns stay as they were, so `synapses` still shows positions and sizes.
public struct SynapseTable: Sendable {
    public enum Level: String, Sendable, Equatable {
        /// One row per synapse: a pair's weight is its number of rows.
        case synapse
        /// One row per (pre, post) pair: its weight is a column.
        case connection
    }

    public let level: Level
    /// `pre`, `post` (uint64), `weight` (int64, connection level only), then the other columns.
    public let table: DataTable
    /// Which source columns became `pre`, `post` and `weight`: said by `info synapses`.
    public let sourceNames: (pre: String, post: String, weight: String?)
    /// What the commands show under the result: the version read, rows a server limited.
    public var notes: [String] = []

    /// Column names read as the presynaptic root, in order of preference.
    public static let preNames = ["pre_pt_root_id", "pre_root_id", "pre", "pre_id", "source", "pre_segment_id"]
    public static let postNames = ["post_pt_root_id", "post_root_id", "post", "post_id", "target", "post_segment_id"]
    /// Column names read as a connection's synapse count; a table with one of them is connection-level.
    public static let weightNames = ["syn_count", "weight", "n_syn", "synapse_count", "count"]

    /// Recognises the shape of `raw`; `name` (the file) is named in errors.
    public init(_ raw: DataTable, name: String) throws(ConnectomeError) {
        guard let pre = Self.preNames.first(where: { raw.columnIndex($0) != nil }),
              let post = Self.postNames.first(where: { raw.columnIndex($0) != nil }) else {
            throw ConnectomeError.data(
                "\(name) has no presynaptic and postsynaptic ID columns; its columns are \(raw.columnNames.map { "'\($0)'" }.joined(separator: ", "))",
                hint: "a synapse table needs pre_pt_root_id and post_pt_root_id (CAVE), or pre_root_id, post_root_id and syn_count (Codex)")
        }
        let weight = Self.weightNames.first { raw.columnIndex($0) != nil }
        var columns = [DataColumn("pre", try Self.idColumn(raw, pre, file: name)),
                       DataColumn("post", try Self.idColumn(raw, post, file: name))]
        if let weight {
            columns.append(DataColumn("weight", try Self.weightColumn(raw, weight, file: name)))
        }
        var taken: Set<String> = [pre, post, "pre", "post", "weight"]
        if let weight { taken.insert(weight) }
        columns += raw.columns.filter { !taken.contains($0.name) }
        self.table = try DataTable(columns: columns)
        self.level = weight == nil ? .synapse : .connection
        self.sourceNames = (pre, post, weight)
    }

    /// Rows and pairs as `info synapses` says them.
    public var summary: String {
        let shape = level == .synapse
            ? "synapse-level (one row per synapse; a pair's weight is its number of rows)"
            : "connection-level (one row per pair; weight from '\(sourceNames.weight ?? "")')"
        return "\(NumberFormat.count(table.rowCount, "row")), \(shape); pre = '\(sourceNames.pre)', post = '\(sourceNames.post)'"
    }

    /// An ID column as uint64: integers must not be negative, strings must be exact decimals.
    private static func idColumn(_ raw: DataTable, _ name: String, file: String) throws(ConnectomeError) -> ColumnData {
        let column = try raw.requireColumn(name)
        switch column.data {
        case .uint64: return column.data
        case .int64(let values):
            if let row = values.values.indices.first(where: { !values.isNull($0) && values.values[$0] < 0 }) {
                throw ConnectomeError.data("\(file), row \(row + 1), column '\(name)': \(values.values[row]) is not a neuron ID",
                                           hint: SegmentID.rangeHint)
            }
            return .uint64(ScalarColumn(values: values.values.map { UInt64(bitPattern: $0) }, validity: values.validity))
        case .string(let values):
            var ids = [UInt64](repeating: 0, count: values.count)
            var valid = Validity(allValid: values.count)
            for row in 0..<values.count {
                if values.isNull(row) { valid.set(row, valid: false); continue }
                do { ids[row] = try SegmentID(parsing: values.string(at: row)).rawValue } catch {
                    throw ConnectomeError.data("\(file), row \(row + 1), column '\(name)': \(error.message)", hint: error.hint)
                }
            }
            return .uint64(ScalarColumn(values: ids, validity: valid.simplified))
        default:
            throw ConnectomeError.data("\(file), column '\(name)' holds \(column.type) values, not neuron IDs",
                                       hint: "IDs are unsigned 64-bit integers")
        }
    }

    /// A count column as int64 (floats must be whole and non-negative).
    private static func weightColumn(_ raw: DataTable, _ name: String, file: String) throws(ConnectomeError) -> ColumnData {
        let column = try raw.requireColumn(name)
        switch column.data {
        case .int64: return column.data
        case .uint64(let values):
            if let row = values.values.indices.first(where: { values.values[$0] > UInt64(Int64.max) }) {
                throw ConnectomeError.data("\(file), row \(row + 1), column '\(name)': \(values.values[row]) is too large for a synapse count")
            }
            return .int64(ScalarColumn(values: values.values.map { Int64($0) }, validity: values.validity))
        case .double(let values):
            var counts = [Int64](repeating: 0, count: values.count)
            for row in 0..<values.count where !column.data.isNull(row) {
                let value = values.values[row]
                guard value >= 0, value < 0x1p62, value.rounded() == value else {
                    throw ConnectomeError.data("\(file), row \(row + 1), column '\(name)': \(value) is not a synapse count",
                                               hint: "counts are whole numbers from 0 to 2^62")
                }
                counts[row] = Int64(value)
            }
            return .int64(ScalarColumn(values: counts, validity: values.validity))
        default:
            throw ConnectomeError.data("\(file), column '\(name)' holds \(column.type) values, not synapse counts")
        }
    }
}
