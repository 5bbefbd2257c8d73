import ConnectomeCore
import Foundation

/// The sample's tables as rows of cells, turned into a `DataTable` so that `CSVWriter` (the one
/// CSV writer, the dialect pandas reads) writes them.
///
/// The generators think in rows (one neuron, one synapse at a time); the table is columnar. Each
/// column takes its type from its cells (IDs `uint64`, integers `int64`, flags `bool`, text
/// `string`, lists of text `list<string>`, voxel positions `vector3<int64>`); a column whose
/// cells are all null is text.
enum SampleTable {
    enum Cell: Sendable, Equatable {
        case null
        case id(UInt64)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case text(String)
        case list([String])
        case vector([Int])
    }

    /// The CSV of `rows` under `header` (every row has one cell per column).
    static func csv(header: [String], rows: [[Cell]]) throws -> Data {
        CSVWriter.write(try table(header: header, rows: rows))
    }

    static func table(header: [String], rows: [[Cell]]) throws -> DataTable {
        let columns = try header.enumerated().map { index, name in
            try DataColumn(name, column(rows.map { $0[index] }, name: name))
        }
        return try DataTable(columns: columns)
    }

    private static func column(_ cells: [Cell], name: String) throws -> ColumnData {
        let valid = Validity(cells.map { $0 != .null })
        switch cells.first(where: { $0 != .null }) ?? .text("") {
        case .null, .text:
            return .string(StringColumn(try cells.map { cell -> String? in
                switch cell {
                case .null: return nil
                case .text(let value): return value
                default: throw mixed(name)
                }
            }))
        case .id:
            return .uint64(ScalarColumn(values: try cells.map { cell in
                switch cell {
                case .null: return 0
                case .id(let value): return value
                default: throw mixed(name)
                }
            }, validity: valid))
        case .int:
            return .int64(ScalarColumn(values: try cells.map { cell in
                switch cell {
                case .null: return 0
                case .int(let value): return Int64(value)
                default: throw mixed(name)
                }
            }, validity: valid))
        case .double:
            return .double(ScalarColumn(values: try cells.map { cell in
                switch cell {
                case .null: return 0
                case .double(let value): return value
                default: throw mixed(name)
                }
            }, validity: valid))
        case .bool:
            return .bool(ScalarColumn(values: try cells.map { cell in
                switch cell {
                case .null: return false
                case .bool(let value): return value
                default: throw mixed(name)
                }
            }, validity: valid))
        case .list:
            return .stringList(StringListColumn(try cells.map { cell -> [String?]? in
                switch cell {
                case .null: return nil
                case .list(let values): return values
                default: throw mixed(name)
                }
            }))
        case .vector:
            return .intVector(VectorColumn(values: try cells.flatMap { cell -> [Int64] in
                switch cell {
                case .null: return [0, 0, 0]
                case .vector(let values) where values.count == 3: return values.map(Int64.init)
                default: throw mixed(name)
                }
            }, validity: valid))
        }
    }

    private static func mixed(_ name: String) -> ConnectomeError {
        ConnectomeError.data("the sample's column \(name) mixes kinds of values (a generator bug)")
    }
}
