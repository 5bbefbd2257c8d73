import Foundation

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

    /// Text from which on the rows are tokenized in parts, one a core.
    static let parallelBytes = 4 << 20

    /// Tokenizes `bytes` (BOM already skipped); the first non-blank line is the header.
    /// `parts` pieces are tokenized at once when the rows hold at least `partBytes` bytes.
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, name: String,
                         parts: Int = ProcessInfo.processInfo.activeProcessorCount,
                         partBytes: Int = parallelBytes) throws(ConnectomeError) -> CSVFields {
        guard bytes.count < CSVFields.limit else {
            throw ConnectomeError.data("\(name) holds \(bytes.count) bytes of text; CSV text of \(CSVFields.limit) bytes (2 GiB) or more is not read",
                                       hint: "split the table into smaller files, or save it as Feather (df.to_feather)")
        }
        var position = 0
        var line = 1
        skipBlankLines(bytes, &position, &line, end: bytes.count)
        // The header: its fields, read as the rows are but kept as names.
        var header = HeaderSink()
        let headerStart = position
        if position < bytes.count {
            try tokenizeRow(bytes, delimiter: delimiter, position: &position, line: &line, sink: &header, name: name)
        }
        let names = header.fields.map { start, end in
            withField(bytes, start: start, end: end) { String(decoding: $0, as: UTF8.self) }
        }
        guard !names.isEmpty else { return CSVFields(header: [], blocks: []) }
        // Rows estimated from the header's length or the first row's, whichever is shorter (pages
        // past the rows written are never touched, so too many costs nothing).
        let firstEnd = nextLine(bytes, from: position)
        let rowLength = max(1, min(position - headerStart, firstEnd - position) * 3 / 4)
        let dataStart = position
        if parts > 1, bytes.count - dataStart >= partBytes,
           let blocks = tokenizeInParts(bytes, from: dataStart, parts: min(parts, 8), delimiter: delimiter,
                                        columnCount: names.count, rowLength: rowLength, name: name) {
            return CSVFields(header: names, blocks: blocks)
        }
        let block = try tokenizeRows(bytes, from: dataStart, to: bytes.count, line: line, delimiter: delimiter,
                                     columnCount: names.count, rowLength: rowLength, name: name)
        return CSVFields(header: names, blocks: [block.fields])
    }

    /// The rows that start in `[start, end)`; the last may run past `end` (a caller that split the
    /// text at a line end inside a quoted field finds `position` past `end`).
    private static func tokenizeRows(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, line: Int, delimiter: UInt8,
                                     columnCount: Int, rowLength: Int, name: String) throws(ConnectomeError) -> (fields: CSVFieldBlock, position: Int) {
        var position = start
        var line = line
        var sink = ColumnSink(fields: CSVFieldBlock(columnCount: columnCount, capacity: (end - start) / rowLength + 16))
        while true {
            skipBlankLines(bytes, &position, &line, end: end)
            guard position < end else { break }
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
        return (sink.fields, position)
    }

    /// The rows in `parts` pieces on as many cores, each cut after a `\n`; nil, and the caller
    /// tokenizes the whole text in one piece, when a cut was not between two rows (the `\n` was inside
    /// a quoted field: the part before it then ends past the cut) or when a part has an error (the
    /// one-piece pass reports it with its true line number).
    private static func tokenizeInParts(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, parts: Int, delimiter: UInt8,
                                        columnCount: Int, rowLength: Int, name: String) -> [CSVFieldBlock]? {
        var cuts = [start]
        for part in 1..<parts {
            let nominal = start + (bytes.count - start) / parts * part
            cuts.append(max(cuts[cuts.count - 1], nextLine(bytes, from: nominal)))
        }
        cuts.append(bytes.count)
        let pieces = (0..<parts).map { (cuts[$0], cuts[$0 + 1]) }.filter { $0.0 < $0.1 }
        let shared = SharedBytes(bytes)
        let results = ParallelWork.map(pieces) { piece -> (fields: CSVFieldBlock, position: Int)? in
            try? tokenizeRows(shared.buffer, from: piece.0, to: piece.1, line: 1, delimiter: delimiter,
                              columnCount: columnCount, rowLength: rowLength, name: name)
        }
        var blocks: [CSVFieldBlock] = []
        for (piece, result) in zip(pieces, results) {
            guard let result, result.position == piece.1 else { return nil }
            blocks.append(result.fields)
        }
        return blocks
    }

    /// Just past the first `\n` at or after `position` (the end when there is none).
    private static func nextLine(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int) -> Int {
        guard position < bytes.count, let base = bytes.baseAddress,
              let found = memchr(base + position, Int32(newline), bytes.count - position) else { return bytes.count }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
    }

    /// Blank lines are skipped, as pandas does.
    @inline(__always) private static func skipBlankLines(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, _ line: inout Int, end: Int) {
        while position < end, bytes[position] == newline || bytes[position] == carriageReturn {
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
        var fields: CSVFieldBlock
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
