/// Splits CSV/TSV bytes into field ranges in one pass (RFC 4180 quoting, `\n`, `\r\n` or `\r`
/// line ends), without making a string per field.
///
/// Fields are kept as byte ranges, row-major: the column builders then read each column's
/// fields straight from the file's bytes, in parallel.
struct CSVTokenizer {
    /// A field's bytes are `[start, end)`; a field with doubled quotes or text after its closing
    /// quote is stored as `~rawStart` (negative) and unescaped on use; a missing field (short row) is `Int.min`.
    struct Fields: Sendable {
        var header: [String] = []
        var columnCount = 0
        var rowCount = 0
        var starts: [Int] = []
        var ends: [Int] = []
    }

    static let quote = UInt8(ascii: "\"")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let missing = Int.min

    /// Tokenizes `bytes` (BOM already skipped); the first non-blank line is the header.
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, name: String) throws(ConnectomeError) -> Fields {
        var fields = Fields()
        var position = 0
        var line = 1
        var rowStarts: [Int] = []
        var rowEnds: [Int] = []
        fields.starts.reserveCapacity(bytes.count / 8)
        fields.ends.reserveCapacity(bytes.count / 8)
        var sawHeader = false
        while position < bytes.count {
            // Blank lines are skipped, as pandas does.
            if bytes[position] == newline || bytes[position] == carriageReturn {
                position += bytes[position] == carriageReturn && position + 1 < bytes.count && bytes[position + 1] == newline ? 2 : 1
                line += 1
                continue
            }
            let rowLine = line
            rowStarts.removeAll(keepingCapacity: true)
            rowEnds.removeAll(keepingCapacity: true)
            try tokenizeRow(bytes, delimiter: delimiter, position: &position, line: &line,
                            starts: &rowStarts, ends: &rowEnds, name: name)
            if !sawHeader {
                sawHeader = true
                fields.header = (0..<rowStarts.count).map { index in
                    withField(bytes, start: rowStarts[index], end: rowEnds[index]) { String(decoding: $0, as: UTF8.self) }
                }
                fields.columnCount = rowStarts.count
                continue
            }
            if rowStarts.count > fields.columnCount {
                throw ConnectomeError.data(
                    "\(name) line \(rowLine): \(rowStarts.count) fields, expected \(fields.columnCount) (the header has \(fields.columnCount) columns)",
                    hint: "quote fields that contain the delimiter, or check that the header names every column")
            }
            fields.starts.append(contentsOf: rowStarts)
            fields.ends.append(contentsOf: rowEnds)
            // A short row is padded with missing values (pandas does the same).
            for _ in rowStarts.count..<fields.columnCount {
                fields.starts.append(missing)
                fields.ends.append(missing)
            }
            fields.rowCount += 1
        }
        return fields
    }

    /// One record: fields up to an unquoted line end or the end of the data.
    private static func tokenizeRow(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, position: inout Int, line: inout Int,
                                    starts: inout [Int], ends: inout [Int], name: String) throws(ConnectomeError) {
        let count = bytes.count
        while true {
            if position < count, bytes[position] == quote {
                let open = position
                let openLine = line
                position += 1
                var escaped = false
                while true {
                    while position < count, bytes[position] != quote {
                        if bytes[position] == newline { line += 1 }
                        position += 1
                    }
                    guard position < count else {
                        throw ConnectomeError.data("\(name) line \(openLine): a quoted field opened here is never closed",
                                                   hint: "the file is cut short or has an unbalanced \" (write a quote inside a quoted field as \"\")")
                    }
                    if position + 1 < count, bytes[position + 1] == quote {
                        escaped = true
                        position += 2
                        continue
                    }
                    position += 1
                    break
                }
                if position < count, !isFieldEnd(bytes[position], delimiter) {
                    // Text after the closing quote belongs to the field, as pandas reads it.
                    while position < count, !isFieldEnd(bytes[position], delimiter) { position += 1 }
                    escaped = true
                }
                if escaped {
                    starts.append(~open)
                    ends.append(position)
                } else {
                    starts.append(open + 1)
                    ends.append(position - 1)
                }
            } else {
                let start = position
                while position < count {
                    let byte = bytes[position]
                    if byte == delimiter || byte == newline || byte == carriageReturn { break }
                    position += 1
                }
                starts.append(start)
                ends.append(position)
            }
            guard position < count else { return }
            let byte = bytes[position]
            if byte == delimiter {
                position += 1
                continue
            }
            position += byte == carriageReturn && position + 1 < count && bytes[position + 1] == newline ? 2 : 1
            line += 1
            return
        }
    }

    @inline(__always) private static func isFieldEnd(_ byte: UInt8, _ delimiter: UInt8) -> Bool {
        byte == delimiter || byte == newline || byte == carriageReturn
    }

    /// Calls `body` with a field's bytes, unescaping quoted fields into a temporary buffer.
    @inline(__always) static func withField<R>(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int,
                                               _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if start >= 0 { return body(UnsafeBufferPointer(rebasing: bytes[start..<end])) }
        if start == missing { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        // On the stack for the usual short cell (a list of a few strings): no allocation per cell.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, end - ~start)) { unescaped in
            var length = 0
            var inQuotes = false
            var index = ~start
            while index < end {
                let byte = bytes[index]
                if byte == quote {
                    if inQuotes, index + 1 < end, bytes[index + 1] == quote {
                        unescaped[length] = quote
                        length += 1
                        index += 2
                        continue
                    }
                    inQuotes.toggle()
                } else {
                    unescaped[length] = byte
                    length += 1
                }
                index += 1
            }
            return body(UnsafeBufferPointer(rebasing: unescaped[0..<length]))
        }
    }
}
