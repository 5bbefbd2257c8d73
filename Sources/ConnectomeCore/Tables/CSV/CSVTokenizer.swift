/// Splits CSV/TSV bytes into field ranges in one pass (RFC 4180 quoting, `\n`, `\r\n` or `\r`
/// line ends), without making a string per field.
///
/// Fields are kept as byte ranges, column by column (`CSVFields`), so that each column builder
/// then reads its own fields front to back, in parallel. Unquoted fields are scanned eight bytes
/// at a time for the delimiter and line ends.
enum CSVTokenizer {
    static let quote = UInt8(ascii: "\"")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    /// The `start` of a missing field (a short row), as `CSVFields.range` returns it.
    static let missing = Int.min

    /// Tokenizes `bytes` (BOM already skipped); the first non-blank line is the header.
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, name: String) throws(ConnectomeError) -> CSVFields {
        guard bytes.count < CSVFields.limit else {
            throw ConnectomeError.data("\(name) holds \(bytes.count) bytes of text; CSV text of \(CSVFields.limit) bytes (2 GiB) or more is not read",
                                       hint: "split the table into smaller files, or save it as Feather (df.to_feather)")
        }
        var position = 0
        var line = 1
        skipBlankLines(bytes, &position, &line)
        // The header: its fields, read as the rows are but kept as names.
        var header = HeaderSink()
        if position < bytes.count {
            try tokenizeRow(bytes, delimiter: delimiter, position: &position, line: &line, sink: &header, name: name)
        }
        let names = header.fields.map { start, end in
            withField(bytes, start: start, end: end) { String(decoding: $0, as: UTF8.self) }
        }
        let columnCount = names.count
        // Rows estimated from the first line's length: pages past what is used are never touched.
        let estimate = columnCount == 0 ? 0 : bytes.count / max(1, position) + 16
        var sink = ColumnSink(fields: CSVFields(header: names, capacity: estimate))
        while true {
            skipBlankLines(bytes, &position, &line)
            guard position < bytes.count, columnCount > 0 else { break }
            let rowLine = line
            sink.beginRow()
            try tokenizeRow(bytes, delimiter: delimiter, position: &position, line: &line, sink: &sink, name: name)
            if sink.field > columnCount {
                throw ConnectomeError.data(
                    "\(name) line \(rowLine): \(sink.field) fields, expected \(columnCount) (the header has \(columnCount) columns)",
                    hint: "quote fields that contain the delimiter, or check that the header names every column")
            }
            sink.endRow()  // a short row is padded with missing values (pandas does the same)
        }
        return sink.fields
    }

    /// Blank lines are skipped, as pandas does.
    @inline(__always) private static func skipBlankLines(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, _ line: inout Int) {
        while position < bytes.count, bytes[position] == newline || bytes[position] == carriageReturn {
            position += bytes[position] == carriageReturn && position + 1 < bytes.count && bytes[position + 1] == newline ? 2 : 1
            line += 1
        }
    }

    /// Where a row's fields go.
    protocol Sink {
        /// Field `[start, end)`; `escaped`: `start` is the opening quote of a field to unescape on use.
        mutating func add(start: Int, end: Int, escaped: Bool)
    }

    private struct HeaderSink: Sink {
        var fields: [(Int, Int)] = []
        mutating func add(start: Int, end: Int, escaped: Bool) { fields.append((escaped ? ~start : start, end)) }
    }

    /// Writes a data row's fields into their columns; counts, and drops, fields past the last column.
    private struct ColumnSink: Sink {
        var fields: CSVFields
        var field = 0

        mutating func beginRow() {
            field = 0
            fields.reserveRow()
        }

        @inline(__always) mutating func add(start: Int, end: Int, escaped: Bool) {
            if field < fields.columnCount { fields.set(row: fields.rowCount, column: field, start: start, end: end, escaped: escaped) }
            field += 1
        }

        mutating func endRow() {
            while field < fields.columnCount {
                fields.setMissing(row: fields.rowCount, column: field)
                field += 1
            }
            fields.rowCount += 1
        }
    }

    /// One record: fields up to an unquoted line end or the end of the data.
    private static func tokenizeRow<S: Sink>(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, position: inout Int, line: inout Int,
                                             sink: inout S, name: String) throws(ConnectomeError) {
        let count = bytes.count
        while true {
            if position < count, bytes[position] == quote {
                let open = position
                let openLine = line
                position += 1
                var escaped = false
                while true {
                    position = quotedEnd(bytes, from: position, line: &line)
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
                    sink.add(start: open, end: position, escaped: true)
                } else {
                    sink.add(start: open + 1, end: position - 1, escaped: false)
                }
            } else {
                let start = position
                position = fieldEnd(bytes, from: position, delimiter: delimiter)
                sink.add(start: start, end: position, escaped: false)
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

    /// The first delimiter, `\n` or `\r` at or after `position` (or the end): eight bytes at a
    /// time (a byte equal to the target is a zero byte of `word ^ target`; the lowest flagged byte
    /// of the zero-byte test is exact).
    @inline(__always) static func fieldEnd(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, delimiter: UInt8) -> Int {
        var position = position
        let count = bytes.count
        guard let base = bytes.baseAddress else { return position }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let delimiters = ones &* UInt64(delimiter), newlines = ones &* UInt64(newline), returns = ones &* UInt64(carriageReturn)
        while position + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let a = word ^ delimiters, b = word ^ newlines, c = word ^ returns
            let hits = ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & highs
            if hits != 0 { return position + hits.trailingZeroBitCount / 8 }
            position += 8
        }
        while position < count, !isFieldEnd(bytes[position], delimiter) { position += 1 }
        return position
    }

    /// The first quote at or after `position` inside a quoted field (or the end), counting the
    /// line ends it passes; eight bytes at a time, as `fieldEnd`.
    @inline(__always) static func quotedEnd(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, line: inout Int) -> Int {
        var position = position
        let count = bytes.count
        guard let base = bytes.baseAddress else { return position }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = ones &* UInt64(quote), newlines = ones &* UInt64(newline)
        while position + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let a = word ^ quotes, b = word ^ newlines
            let hits = ((a &- ones) & ~a | (b &- ones) & ~b) & highs
            if hits == 0 {
                position += 8
                continue
            }
            let at = position + hits.trailingZeroBitCount / 8
            if bytes[at] == quote { return at }
            line += 1
            position = at + 1
        }
        while position < count, bytes[position] != quote {
            if bytes[position] == newline { line += 1 }
            position += 1
        }
        return position
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
