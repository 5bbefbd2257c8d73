/// Expressions: literals, names, lists, vectors, records and parenthesised pipelines.
extension Parser {
    mutating func parseExpression() -> Expression {
        let token = current
        switch token.kind {
        case .integer, .float, .string:
            advance()
            return .literal(Self.literal(token), token.range)
        case .name:
            advance()
            switch token.text {
            case "true": return .literal(.bool(true), token.range)
            case "false": return .literal(.bool(false), token.range)
            case "null": return .literal(.null, token.range)
            default: return .name(token.text, token.range)
            }
        case .leftBracket, .leftParen, .leftBrace:
            guard nesting < Self.maxNesting else { return skipTooDeep() }
            nesting += 1
            defer { nesting -= 1 }
            switch token.kind {
            case .leftBracket: return parseList()
            case .leftParen: return parseParenthesized()
            default: return parseRecord()
            }
        case .invalid:
            advance()
            return .invalid(token.range)
        case .end:
            report(.expectedValue, .at(token.range.start), expectsMoreInput: true)
            return .invalid(token.range)
        default:
            report(DiagnosticMessage("\(DiagnosticMessage.expectedValue.text), found \(token.quoted)"), token.range)
            if !token.isClosingBracket && !token.isStatementEnd { advance() }
            return .invalid(token.range)
        }
    }

    /// `"[" expression ("," expression)* ","? "]"` and `[]`
    private mutating func parseList() -> Expression {
        let open = advance()
        var elements: [Expression] = []
        while true {
            if current.kind == .rightBracket { advance(); break }
            if current.kind == .end { reportUnclosed(open, expecting: "]"); break }
            elements.append(parseExpression())
            if current.kind == .comma { advance(); continue }
            if current.kind == .rightBracket || current.kind == .end { continue }
            report(.expectedListSeparator(current.quoted), current.range)
            skipToClosing(.rightBracket)
            break
        }
        return .list(elements, open.range.union(.at(previousEnd)))
    }

    /// `"(" pipeline ")"` or a vector `"(" expression "," expression ("," expression)* ")"`.
    private mutating func parseParenthesized() -> Expression {
        let open = advance()
        if current.kind == .rightParen {
            let close = advance()
            let range = open.range.union(close.range)
            report(.emptyParentheses, range)
            return .invalid(range)
        }
        if current.kind == .end {
            reportUnclosed(open, expecting: ")")
            return .invalid(open.range)
        }
        let first = parsePipeline()
        guard current.kind == .comma else {
            closeBracket(open, kind: .rightParen, closing: ")")
            return .parenthesized(first, open.range.union(.at(previousEnd)))
        }
        var elements = [vectorElement(first)]
        while current.kind == .comma {
            advance()
            if current.kind == .rightParen || current.kind == .end { break }
            elements.append(parseExpression())
        }
        let unclosed = current.kind == .end
        closeBracket(open, kind: .rightParen, closing: ")")
        let range = open.range.union(.at(previousEnd))
        if elements.count < 2 && !unclosed {
            report(.vectorTooShort, range)
        }
        return .vector(elements, range)
    }

    /// `"{" key ":" expression ("," key ":" expression)* "}"`, keys being names, strings or integers.
    private mutating func parseRecord() -> Expression {
        let open = advance()
        var entries: [RecordEntry] = []
        var seen: Set<String> = []
        while true {
            if current.kind == .rightBrace { advance(); break }
            if current.kind == .end { reportUnclosed(open, expecting: "}"); break }
            let keyToken = current
            let key: String
            switch keyToken.kind {
            case .name: key = keyToken.text
            case .string, .integer: key = Self.literal(keyToken).plainText
            default:
                report(.expectedRecordKey(keyToken.quoted), keyToken.range)
                skipToClosing(.rightBrace)
                return .record(entries, open.range.union(.at(previousEnd)))
            }
            advance()
            guard current.kind == .colon else {
                if current.kind == .end {
                    report(.expectedColon(key), keyToken.range, expectsMoreInput: true)
                } else {
                    report(DiagnosticMessage("\(DiagnosticMessage.expectedColon(key).text), found \(current.quoted)"), current.range)
                    skipToClosing(.rightBrace)
                }
                break
            }
            advance()
            let value = parseExpression()
            if !seen.insert(key).inserted {
                report(.duplicateKey(key), keyToken.range)
            }
            entries.append(RecordEntry(key: key, keyRange: keyToken.range, value: value))
            if current.kind == .comma { advance(); continue }
            if current.kind == .rightBrace || current.kind == .end { continue }
            report(.expectedRecordSeparator(current.quoted), current.range)
            skipToClosing(.rightBrace)
            break
        }
        return .record(entries, open.range.union(.at(previousEnd)))
    }

    // MARK: Helpers

    /// A bracket past `maxNesting`: one diagnostic under it, and everything up to its closing bracket
    /// skipped without recursing.
    private mutating func skipTooDeep() -> Expression {
        let open = advance()
        report(.nestedTooDeep, open.range)
        skipToClosing(.rightParen)
        return .invalid(open.range.union(.at(previousEnd)))
    }

    private mutating func vectorElement(_ pipeline: Pipeline) -> Expression {
        if pipeline.commands.count == 1 {
            switch pipeline.commands[0] {
            case .expression(let expression): return expression
            case .call(let verb, let verbRange, let arguments, _) where arguments.isEmpty: return .name(verb, verbRange)
            default: break
            }
        }
        report(.commandInVector, pipeline.range)
        return .invalid(pipeline.range)
    }

    private mutating func closeBracket(_ open: Token, kind: Token.Kind, closing: String) {
        if current.kind == kind {
            advance()
        } else if current.kind == .end {
            reportUnclosed(open, expecting: closing)
        } else {
            report(.expectedClosing(closing, open: open.text, found: current.quoted), current.range)
            skipToClosing(kind)
        }
    }

    private mutating func reportUnclosed(_ open: Token, expecting closing: String) {
        report(.unclosed(open.text, closing), open.range, expectsMoreInput: true)
    }

    /// Skips to the bracket that closes the construct being parsed (consuming it), or to the end.
    private mutating func skipToClosing(_ kind: Token.Kind) {
        var depth = 0
        while current.kind != .end {
            let token = advance()
            switch token.kind {
            case .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace:
                if depth == 0 { return }
                depth -= 1
            default: break
            }
        }
    }

    static func literal(_ token: Token) -> Value {
        switch token.payload {
        case .integer(let value): return .int(value)
        case .float(let value): return .float(value)
        case .string(let value): return .string(value)
        case .none: return .null
        }
    }
}

extension DiagnosticMessage {
    fileprivate static let expectedValue: Self = "expected a value"
    static let nestedTooDeep = Self(
        "brackets nest more than \(Parser.maxNesting) levels deep here; bind inner parts to variables with let instead")
    fileprivate static func expectedListSeparator(_ found: String) -> Self {
        Self("expected ',' or ']' after a list element, found \(found)")
    }
    fileprivate static let emptyParentheses: Self =
        "empty parentheses; a vector needs at least two elements, as in (x, y)"
    fileprivate static let vectorTooShort: Self = "a vector needs at least two elements, as in (x, y)"
    fileprivate static let commandInVector: Self =
        "a vector holds values, not commands; put the command in its own parentheses"
    fileprivate static func expectedRecordKey(_ found: String) -> Self {
        Self("expected a record key (a name, string or integer), found \(found)")
    }
    fileprivate static func expectedColon(_ key: String) -> Self {
        Self("expected ':' after the record key '\(key)'")
    }
    fileprivate static func duplicateKey(_ key: String) -> Self {
        Self("duplicate key '\(key)' in record")
    }
    fileprivate static func expectedRecordSeparator(_ found: String) -> Self {
        Self("expected ',' or '}' after a record entry, found \(found)")
    }
    fileprivate static func expectedClosing(_ closing: String, open: String, found: String) -> Self {
        Self("expected '\(closing)' to close '\(open)', found \(found)")
    }
    fileprivate static func unclosed(_ open: String, _ closing: String) -> Self {
        Self("unclosed '\(open)': expected '\(closing)' before the end of the cell")
    }
}
