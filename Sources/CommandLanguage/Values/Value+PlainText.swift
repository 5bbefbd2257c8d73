/// The `text/plain` form of every value (LANGUAGE.md "Evaluation and display").
extension Value {
    /// How the value reads on its own: a string is its text, an integer its decimal digits.
    public var plainText: String {
        switch self {
        case .string(let text): return text
        case .table(let table): return table.plainText
        default: return nestedText
        }
    }

    /// How the value reads inside a list, vector or record: strings quoted so that `["a, b"]`
    /// and `["a", "b"]` stay distinguishable.
    ///
    /// Written with a work list rather than recursion: a value at the nesting limit renders on any
    /// thread, whatever its stack size (pool threads are small, and sanitizer frames large).
    public var nestedText: String {
        var text = ""
        var pending: [NestedPiece] = [.value(self)]
        while let piece = pending.popLast() {
            switch piece {
            case .text(let literal): text += literal
            case .value(let value):
                switch value {
                case .list(let elements): Self.push(elements, open: "[", close: "]", onto: &pending)
                case .vector(let elements): Self.push(elements, open: "(", close: ")", onto: &pending)
                case .record(let record):
                    pending.append(.text("}"))
                    for (index, entry) in record.entries.enumerated().reversed() {
                        pending.append(.value(entry.value))
                        pending.append(.text((index > 0 ? ", " : "") + Self.recordKey(entry.key) + ": "))
                    }
                    pending.append(.text("{"))
                default: text += value.scalarText
                }
            }
        }
        return text
    }

    /// A piece of `nestedText` still to write: literal punctuation, or a value to render.
    private enum NestedPiece {
        case text(String)
        case value(Value)
    }

    /// Queues `open`, the elements separated by commas, and `close`, to be popped in that order.
    private static func push(_ elements: [Value], open: String, close: String, onto pending: inout [NestedPiece]) {
        pending.append(.text(close))
        for (index, element) in elements.enumerated().reversed() {
            pending.append(.value(element))
            if index > 0 { pending.append(.text(", ")) }
        }
        pending.append(.text(open))
    }

    /// The text of a value that holds no other values.
    private var scalarText: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return value.description
        case .float(let value): return Self.format(value)
        case .string(let text): return Self.quote(text)
        case .table(let table):
            return "<table \(table.title.map { Self.quote($0) + " " } ?? "")with \(table.rows.count) rows>"
        case .custom(let value): return value.plainText
        case .list, .vector, .record: return nestedText
        }
    }

    /// Shortest round-tripping text, with the exponent written as the language reads it (`8e-9`).
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var text = value.description
        if let e = text.firstIndex(of: "e") {
            var exponent = text[text.index(after: e)...]
            var sign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                sign = first == "-" ? "-" : ""
                exponent = exponent.dropFirst()
            }
            let digits = exponent.drop { $0 == "0" }
            text = String(text[..<e]) + "e" + sign + (digits.isEmpty ? "0" : String(digits))
        }
        return text
    }

    /// A string literal that the lexer reads back as the same text.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func recordKey(_ key: String) -> String {
        isPlainName(key) ? key : quote(key)
    }

    static func isPlainName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, Lexer.isNameStart(first),
              text.unicodeScalars.allSatisfy(Lexer.isNameContinue) else { return false }
        return !Parser.literalWords.contains(text) && text != Parser.letKeyword
    }
}

extension Table {
    /// Aligned plain-text columns: title, header, a rule, rows (numbers right-aligned), footer.
    public var plainText: String {
        let cells = rows.map { row in
            columns.indices.map { index in index < row.count ? Self.cellText(row[index]) : "" }
        }
        let widths = columns.indices.map { column in
            cells.reduce(columns[column].count) { max($0, $1[column].count) }
        }
        let numeric = columns.indices.map { column in
            !rows.isEmpty && rows.allSatisfy { row in
                guard column < row.count else { return true }
                switch row[column] {
                case .int, .float, .null: return true
                default: return false
                }
            }
        }
        func line(_ texts: [String]) -> String {
            let padded = texts.enumerated().map { column, text in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return numeric[column] ? padding + text : text + padding
            }
            return String(padded.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
        }
        var lines: [String] = []
        if let title { lines.append(title) }
        lines.append(line(columns))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines.append(contentsOf: cells.map(line))
        if let footer { lines.append(footer) }
        return lines.joined(separator: "\n")
    }

    private static func cellText(_ value: Value) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .null: text = ""
        default: text = value.nestedText
        }
        return text.replacingNewlines()
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        guard contains("\n") else { return self }
        return split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ")
    }
}
