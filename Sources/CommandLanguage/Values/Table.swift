/// Rows under named columns, with an optional title and footer (a note, a count, a caveat).
///
/// The kernel renders a table as HTML beside its plain-text twin (`Value.plainText`).
public struct Table: Sendable, Equatable {
    public var title: String?
    public var columns: [String]
    public var rows: [[Value]]
    public var footer: String?

    public init(title: String? = nil, columns: [String], rows: [[Value]] = [], footer: String? = nil) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.footer = footer
    }

    /// The cells of column `name`, or nil when there is no such column.
    public func column(_ name: String) -> [Value]? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return rows.map { index < $0.count ? $0[index] : .null }
    }
}
