import Foundation
import ImageCodecs

/// Reads CSV and TSV tables (optionally gzip-compressed) as pandas' `read_csv` would type them.
///
/// One pass splits the bytes into fields (`CSVTokenizer`); then each column is typed and
/// converted on its own, in parallel (`CSVColumnBuilder`). Quoted fields may hold delimiters,
/// doubled quotes and line breaks; list cells are JSON arrays (or Python's repr of a list).
public enum CSVReader {
    /// Reads a table from the bytes of a file called `name` (used in messages, and to choose the
    /// delimiter: `.tsv`/`.tab` → tab, `.csv` → comma, otherwise sniffed from the header line).
    public static func read(bytes: Data, name: String, delimiter: UInt8? = nil) throws(ConnectomeError) -> DataTable {
        var data = bytes
        if Gzip.isGzip(data) {
            do { data = try Gzip.decompress(data) } catch {
                throw ConnectomeError.data("\(name) is not valid gzip: \(error.message)", hint: "re-download or re-write the file")
            }
        }
        let result: Result<DataTable, ConnectomeError> = data.withUnsafeBytes { raw in
            let all = raw.bindMemory(to: UInt8.self)
            // A UTF-8 byte order mark (Excel writes one) is not part of the first column's name.
            let skip = all.count >= 3 && all[0] == 0xEF && all[1] == 0xBB && all[2] == 0xBF ? 3 : 0
            let text = UnsafeBufferPointer(rebasing: all[skip...])
            do throws(ConnectomeError) {
                return .success(try parse(text, name: name, delimiter: delimiter ?? chooseDelimiter(text, name: name)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(_ text: UnsafeBufferPointer<UInt8>, name: String, delimiter: UInt8) throws(ConnectomeError) -> DataTable {
        let fields = try CSVTokenizer.tokenize(text, delimiter: delimiter, name: name)
        guard fields.columnCount > 0 else {
            throw ConnectomeError.data("\(name) is empty: it has no header line", hint: "a table file starts with a line of column names")
        }
        let names = ColumnNaming.uniqueNames(fields.header)
        let bytes = SharedBytes(text)
        let columns = ParallelWork.map(Array(0..<fields.columnCount), minimumItemsForParallel: fields.rowCount >= 20_000 ? 2 : Int.max) { column in
            DataColumn(names[column], CSVColumnBuilder(bytes: bytes.buffer, fields: fields, column: column, name: names[column]).build())
        }
        return DataTable(uncheckedColumns: columns, rowCount: fields.rowCount)
    }

    /// Tab for `.tsv`/`.tab`, comma for `.csv`; otherwise whichever of tab, comma, semicolon
    /// occurs most often (outside quotes) in the header line.
    static func chooseDelimiter(_ text: UnsafeBufferPointer<UInt8>, name: String) -> UInt8 {
        var lower = name.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return 0x09 }
        if lower.hasSuffix(".csv") { return 0x2C }
        var counts: [UInt8: Int] = [0x09: 0, 0x2C: 0, 0x3B: 0]
        var inQuotes = false
        for byte in text {
            if byte == CSVTokenizer.quote { inQuotes.toggle() }
            if !inQuotes, byte == CSVTokenizer.newline || byte == CSVTokenizer.carriageReturn { break }
            if !inQuotes, counts[byte] != nil { counts[byte]! += 1 }
        }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }.map { $0.value > 0 ? $0.key : 0x2C } ?? 0x2C
    }
}

/// A read-only byte buffer shared by the parallel column builders; it outlives them (they run
/// inside the `withUnsafeBytes` that produced it).
struct SharedBytes: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
    init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }
}
