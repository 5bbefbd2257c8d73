import CommandLanguage
import ConnectomeCore
import JupyterProtocol

/// A columnar table riding through the language: `neurons`, `partners`, `synapses`, a loaded file.
///
/// Shown as HTML with its plain-text twin, its head and tail only when long, and always its size,
/// so a 140,000-row annotation table answers at once and says how big it is.
struct DataTableValue: RichDisplay {
    var table: DataTable
    var title: String?
    /// Notes under the size line: IDs not found, the 200,000-row limit, which shape a file had.
    var notes: [String]

    init(_ table: DataTable, title: String? = nil, notes: [String] = []) {
        self.table = table
        self.title = title
        self.notes = notes
    }

    var kindName: String { "table" }
    var plainText: String { TableRenderer.plainText(self) }
    var mimeBundle: MimeBundle { TableRenderer.bundle(for: self) }

    func isEqual(to other: any CustomValue) -> Bool {
        (other as? DataTableValue)?.table == table
    }

    /// Rows made from these (by where, sort, head, select), with another title and the step's notes
    /// after this value's: what the notes say of the data (a row limit that left rows out, IDs brought up
    /// to date, IDs not found) stays true of every part of it, so a pipeline must not drop it.
    func with(_ table: DataTable, title: String? = nil, notes: [String] = []) -> DataTableValue {
        DataTableValue(table, title: title ?? self.title, notes: self.notes + notes)
    }
}

extension DataTableValue: TableDisplay {
    var displayTitle: String? { title }
    var displayColumns: [String] { table.columnNames }
    var displayRowCount: Int { table.rowCount }
    func displayCell(row: Int, column: Int) -> String { table[row: row, column: column].text ?? "" }
    var displayFooter: String? {
        let size = "\(NumberFormat.count(table.rowCount, "row")) × \(NumberFormat.count(table.columnCount, "column"))"
        return ([size] + notes).joined(separator: "\n")
    }
}
