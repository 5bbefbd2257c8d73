/// Splits a cell into tokens, reporting malformed text as diagnostics instead of throwing.
///
/// Newlines become tokens only outside brackets, so that a statement can span lines inside
/// `()`, `[]` and `{}` without the parser having to know about line breaks there.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var offset = 0
    private var depth = 0
    private(set) var tokens: [Token] = []
    private(set) var diagnostics: [Diagnostic] = []

    /// Brackets still open when the text ended (for the indent of an incomplete cell).
    var openBracketDepth: Int { depth }
    /// Whether the text ended inside a string literal.
    private(set) var endsInsideString = false

    static func tokenize(_ source: SourceText) -> Lexer {
        var lexer = Lexer(scalars: source.scalars)
        lexer.run()
        return lexer
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private mutating func run() {
        while offset < scalars.count {
            let scalar = scalars[offset]
            let start = offset
            switch scalar {
            case " ", "\t", "\r":
                offset += 1
            case "#":
                while offset < scalars.count, scalars[offset] != "\n" { offset += 1 }
            case "\n":
                offset += 1
                if depth == 0 { add(.newline, from: start) }
            case "(", "[", "{":
                offset += 1
                depth += 1
                add(scalar == "(" ? .leftParen : scalar == "[" ? .leftBracket : .leftBrace, from: start)
            case ")", "]", "}":
                offset += 1
                depth = max(0, depth - 1)
                add(scalar == ")" ? .rightParen : scalar == "]" ? .rightBracket : .rightBrace, from: start)
            case ",": offset += 1; add(.comma, from: start)
            case ":": offset += 1; add(.colon, from: start)
            case "=": offset += 1; add(.equals, from: start)
            case "|": offset += 1; add(.pipe, from: start)
            case ";": offset += 1; add(.semicolon, from: start)
            case "\"", "'":
                lexString(quote: scalar)
            case "-" where offset + 1 < scalars.count && Self.isDigit(scalars[offset + 1]):
                offset += 1
                lexNumber(from: start, negative: true)
            case _ where Self.isDigit(scalar):
                lexNumber(from: start, negative: false)
            case _ where Self.isNameStart(scalar):
                while offset < scalars.count, Self.isNameContinue(scalars[offset]) { offset += 1 }
                add(.name, from: start)
            default:
                offset += 1
                report(.unexpectedCharacter(scalar), SourceRange(start: start, end: offset))
                add(.invalid, from: start)
            }
        }
        tokens.append(Token(kind: .end, range: .at(scalars.count), text: ""))
    }

    // MARK: Numbers

    private mutating func lexNumber(from start: Int, negative: Bool) {
        var isFloat = false
        var malformed = false
        skipDigits()
        if offset + 1 < scalars.count, scalars[offset] == ".", Self.isDigit(scalars[offset + 1]) {
            isFloat = true
            offset += 1
            skipDigits()
        }
        if offset < scalars.count, scalars[offset] == "e" || scalars[offset] == "E" {
            isFloat = true
            offset += 1
            if offset < scalars.count, scalars[offset] == "+" || scalars[offset] == "-" { offset += 1 }
            if offset < scalars.count, Self.isDigit(scalars[offset]) { skipDigits() } else { malformed = true }
        }
        // `12abc` or `1.2.3`: one bad token, not a number followed by a name.
        while offset < scalars.count, Self.isNameContinue(scalars[offset]) || scalars[offset] == "." {
            malformed = true
            offset += 1
        }
        let range = SourceRange(start: start, end: offset)
        let text = Self.string(scalars[start..<offset])
        let digits = text.filter { $0 != "_" }
        if malformed {
            report(.malformedNumber(text), range)
            add(.invalid, from: start)
        } else if isFloat {
            guard let value = Double(digits), value.isFinite else {
                report(.floatOutOfRange(text), range)
                add(.invalid, from: start)
                return
            }
            tokens.append(Token(kind: .float, range: range, text: text, payload: .float(value)))
        } else {
            guard let magnitude = UInt64(digits.drop(while: { $0 == "-" })) else {
                report(.integerOutOfRange(text), range)
                add(.invalid, from: start)
                return
            }
            let value = negative ? -Int128(magnitude) : Int128(magnitude)
            tokens.append(Token(kind: .integer, range: range, text: text, payload: .integer(value)))
        }
    }

    private mutating func skipDigits() {
        while offset < scalars.count, Self.isDigit(scalars[offset]) || scalars[offset] == "_" { offset += 1 }
    }

    // MARK: Strings

    private mutating func lexString(quote: Unicode.Scalar) {
        let start = offset
        offset += 1
        var value = ""
        while offset < scalars.count {
            // Plain characters are copied a run at a time, so a megabyte-long string lexes quickly.
            let run = offset
            offset = scalars.withUnsafeBufferPointer { buffer in
                var end = run
                while end < buffer.count, buffer[end] != quote, buffer[end].value != 0x5C { end += 1 }
                return end
            }
            if offset > run { value += Self.string(scalars[run..<offset]) }
            guard offset < scalars.count else { break }
            let scalar = scalars[offset]
            if scalar == quote {
                offset += 1
                let range = SourceRange(start: start, end: offset)
                tokens.append(Token(kind: .string, range: range, text: Self.string(scalars[start..<offset]),
                                    payload: .string(value)))
                return
            }
            if scalar == "\\", offset + 1 < scalars.count {
                let escaped = scalars[offset + 1]
                switch escaped {
                case "\"", "'", "\\": value.unicodeScalars.append(escaped)
                case "n": value.unicodeScalars.append("\n")
                case "t": value.unicodeScalars.append("\t")
                default:
                    report(.unknownEscape(escaped), SourceRange(start: offset, end: offset + 2))
                    value.unicodeScalars.append(escaped)
                }
                offset += 2
                continue
            }
            value.unicodeScalars.append(scalar)
            offset += 1
        }
        let range = SourceRange(start: start, end: offset)
        endsInsideString = true
        report(.unterminatedString(quote), SourceRange(start: start, end: start + 1), expectsMoreInput: true)
        tokens.append(Token(kind: .string, range: range, text: Self.string(scalars[start..<offset]),
                            payload: .string(value)))
    }

    // MARK: Helpers

    private mutating func add(_ kind: Token.Kind, from start: Int) {
        tokens.append(Token(kind: kind, range: SourceRange(start: start, end: offset),
                            text: Self.string(scalars[start..<offset])))
    }

    private mutating func report(_ message: DiagnosticMessage, _ range: SourceRange, expectsMoreInput: Bool = false) {
        diagnostics.append(Diagnostic(message, range: range, expectsMoreInput: expectsMoreInput))
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic
    }

    static func isNameContinue(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || isDigit(scalar)
    }

    private static func string(_ slice: ArraySlice<Unicode.Scalar>) -> String {
        SourceText.string(slice)
    }
}

extension DiagnosticMessage {
    fileprivate static func unexpectedCharacter(_ scalar: Unicode.Scalar) -> Self {
        let shown = scalar.properties.isWhitespace || scalar.value < 0x20
            ? "U+\(String(scalar.value, radix: 16, uppercase: true))" : String(scalar)
        return Self("unexpected character '\(shown)'; names use letters, digits and '_', strings go in quotes")
    }

    fileprivate static func malformedNumber(_ text: String) -> Self {
        Self("malformed number '\(text)'; write integers like 42 or 1_000 and numbers like 1.5 or 8e-9")
    }

    fileprivate static func integerOutOfRange(_ text: String) -> Self {
        Self("integer '\(text)' is out of range; integers must lie within ±18446744073709551615 (unsigned 64-bit)")
    }

    fileprivate static func floatOutOfRange(_ text: String) -> Self {
        Self("number '\(text)' is too large to represent")
    }

    fileprivate static func unknownEscape(_ scalar: Unicode.Scalar) -> Self {
        Self("unknown escape sequence '\\\(scalar)' in string; use \\\" \\' \\\\ \\n or \\t (write \\\\ for a backslash)")
    }

    fileprivate static func unterminatedString(_ quote: Unicode.Scalar) -> Self {
        Self("unterminated string: add the closing \(quote)")
    }
}
