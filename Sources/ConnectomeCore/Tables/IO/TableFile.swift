import Foundation
import ImageCodecs

/// The table file formats, chosen by file name and confirmed by the bytes.
public enum TableFormat: String, Sendable, CaseIterable {
    case csv, tsv
    /// Arrow IPC file (Feather v2): `.feather`, `.arrow`, `.ipc`.
    case arrowFile = "feather"
    /// Arrow IPC stream: `.arrows`, `.stream`.
    case arrowStream = "arrows"

    /// The format a file name asks for (a trailing `.gz` ignored), or nil.
    public init?(fileName: String) {
        var lower = fileName.lowercased()
        if let query = lower.firstIndex(of: "?") { lower = String(lower[..<query]) }
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".txt") { self = .csv }
        else if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { self = .tsv }
        else if lower.hasSuffix(".feather") || lower.hasSuffix(".arrow") || lower.hasSuffix(".ipc") { self = .arrowFile }
        else if lower.hasSuffix(".arrows") || lower.hasSuffix(".stream") { self = .arrowStream }
        else { return nil }
    }
}

/// Reading and writing tables as files: bytes in memory, paths, and URLs through the stores.
public enum TableFile {
    /// Reads a table from the bytes of a file called `name`: gzip is undone first; Arrow is
    /// recognised by its magic bytes whatever the name, anything else is read as CSV/TSV.
    public static func read(bytes: Data, name: String) throws(ConnectomeError) -> DataTable {
        var data = bytes
        if Gzip.isGzip(data) {
            do { data = try Gzip.decompress(data) } catch {
                throw ConnectomeError.data("\(name) is not valid gzip: \(error.message)", hint: "re-download or re-write the file")
            }
        }
        if ArrowReader.looksLikeArrow(data) { return try ArrowReader.read(bytes: data, name: name) }
        switch TableFormat(fileName: name) {
        case .arrowFile?, .arrowStream?:
            let head = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ConnectomeError.data("\(name) is named as an Arrow file but starts with [\(head)], not ARROW1 or an IPC message",
                                       hint: "check the file; pandas writes Arrow with df.to_feather(path)")
        case .tsv?: return try CSVReader.read(bytes: data, name: name, delimiter: 0x09)
        case .csv?: return try CSVReader.read(bytes: data, name: name, delimiter: 0x2C)
        case nil: return try CSVReader.read(bytes: data, name: name)
        }
    }

    /// Reads the table at `url` (`file://`, a plain path, `http(s)://`, `gs://`, `s3://`) through the stores.
    public static func read(url: String, transport: (any HTTPTransport)?,
                            authorization: HTTPAuthorization? = nil) async throws -> DataTable {
        let (base, key) = try split(url)
        let store = try openStore(url: base, transport: transport, authorization: authorization)
        // A local Arrow file is read in ranges (its batches' bytes into reused buffers), not whole.
        if let files = store as? FileStore, !key.lowercased().hasSuffix(".gz"),
           let file = try RangedFile(path: files.path(for: key)),
           let table = try ArrowReader.read(file: file, name: key) {
            return table
        }
        guard let bytes = try await store.read(key) else {
            throw ConnectomeError.argument("there is no table at \(url)", hint: "check the path or URL")
        }
        return try read(bytes: bytes, name: key)
    }

    /// The bytes of `table` in `format` (`gzip` compresses CSV/TSV; Arrow may use LZ4 or ZSTD buffers).
    public static func encode(_ table: DataTable, format: TableFormat, gzip: Bool = false,
                              compression: ArrowWriter.Compression? = nil) -> Data {
        let data: Data
        switch format {
        case .csv: data = CSVWriter.write(table)
        case .tsv: data = CSVWriter.write(table, delimiter: 0x09)
        case .arrowFile: data = ArrowWriter.write(table, compression: compression)
        case .arrowStream: data = ArrowWriter.write(table, compression: compression, framing: .stream)
        }
        return gzip ? Gzip.compress(data) : data
    }

    /// Writes `table` to the local `path` in the format its name asks for (`.csv`, `.tsv`, `.csv.gz`,
    /// `.feather`/`.arrow`, `.arrows`), replacing the file atomically.
    public static func write(_ table: DataTable, to path: String) throws(ConnectomeError) {
        var localPath = path.hasPrefix("file://") ? String(path.dropFirst("file://".count)) : path
        if localPath.hasPrefix("~") { localPath = NSString(string: localPath).expandingTildeInPath }
        guard let format = TableFormat(fileName: localPath) else {
            throw ConnectomeError.argument("cannot tell the format of '\(path)' from its name",
                                           hint: "end it in .csv, .tsv, .csv.gz, .feather or .arrows")
        }
        let data = encode(table, format: format, gzip: localPath.lowercased().hasSuffix(".gz"))
        do {
            try data.write(to: URL(fileURLWithPath: localPath), options: .atomic)
        } catch {
            throw ConnectomeError.argument("could not write \(localPath): \(error.localizedDescription)",
                                           hint: "check that the directory exists and is writable")
        }
    }

    /// A URL as its directory (opened as a store) and the file name (the key).
    static func split(_ url: String) throws(ConnectomeError) -> (base: String, key: String) {
        var text = url.trimmingCharacters(in: .whitespaces)
        if !text.contains("://") {
            if text.hasPrefix("~") { text = NSString(string: text).expandingTildeInPath }
            if !text.hasPrefix("/") { text = FileManager.default.currentDirectoryPath + "/" + text }
            text = "file://" + text
        }
        guard let schemeEnd = text.range(of: "://")?.upperBound,
              let slash = text[schemeEnd...].lastIndex(of: "/"), text.index(after: slash) < text.endIndex else {
            throw ConnectomeError.argument("'\(url)' names no file", hint: "give the path or URL of a .csv, .tsv or .feather file")
        }
        var base = String(text[..<slash])
        if base.hasSuffix("://") { base += "/" }  // a file at the root: file:///name.csv
        return (base, String(text[text.index(after: slash)...]))
    }
}
