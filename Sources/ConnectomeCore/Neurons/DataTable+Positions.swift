import Foundation

/// Positions stored in annotation tables, in whatever form the file gave them.
///
/// CRANT's Seatable gives `"x, y, z"` text, pandas writes lists as `[x, y, z]`, Arrow has fixed
/// lists or vectors: all are read as three numbers (voxels, as the tables store them).
extension DataTable {
    /// The soma column names, in order of preference.
    public static let somaColumns = ["position", "soma_position", "nucleus_position", "pt_position", "root_position"]

    /// The position in `column` (default: the first of `somaColumns`) of the row whose ID is `id`;
    /// nil when the ID is not in the table or its cell is empty.
    public func position(of id: SegmentID, column: String? = nil) throws(ConnectomeError) -> [Double]? {
        guard let name = column ?? Self.somaColumns.first(where: { columnIndex($0) != nil }) else {
            throw ConnectomeError.data("the neuron table has no position column (\(Self.somaColumns.joined(separator: ", ")))",
                                       hint: "reroot at a position instead: reroot SKELETON at (x, y, z)")
        }
        guard let idColumn = idColumnName else {
            throw ConnectomeError.data("the neuron table has no root_id or id column")
        }
        let (rows, _) = try self.rows(withIDs: [id.rawValue], column: idColumn)
        guard rows.rowCount > 0, let cell = rows[row: 0, column: name] else { return nil }
        return try Self.coordinates(cell, column: name)
    }

    /// Three numbers from a cell of any of the shapes positions come in.
    static func coordinates(_ cell: TableCell, column: String) throws(ConnectomeError) -> [Double]? {
        let values: [Double]?
        switch cell {
        case .null: return nil
        case .vector(let numbers): values = numbers
        case .intVector(let numbers): values = numbers.map(Double.init)
        case .stringList(let items): values = items.compactMap { $0.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]() "))
            if trimmed.isEmpty { return nil }
            values = trimmed.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        default: values = nil
        }
        guard let values, values.count == 3, values.allSatisfy(\.isFinite) else {
            throw ConnectomeError.data("the cell '\(cell)' of column '\(column)' is not a position (x, y, z)",
                                       hint: "positions are three numbers: \"x, y, z\" or [x, y, z]")
        }
        return values
    }
}
