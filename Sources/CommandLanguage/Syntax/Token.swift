/// One lexical token of a cell.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case name, integer, float, string
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
        case comma, colon, equals, pipe, semicolon, newline
        /// Text the lexer already reported; the parser skips it without a second diagnostic.
        case invalid
        case end
    }

    /// The decoded value of a literal token.
    enum Payload: Sendable, Equatable {
        case none
        case integer(Int128)
        case float(Double)
        case string(String)
    }

    var kind: Kind
    var range: SourceRange
    /// The token's source text (for names, the name).
    var text: String
    var payload: Payload = .none

    /// How the token reads in a diagnostic: `'='`, `'foo'`, or "the end of the cell".
    var quoted: String {
        switch kind {
        case .end: return "the end of the cell"
        case .newline: return "a line break"
        default: return "'\(text)'"
        }
    }

    var isStatementEnd: Bool {
        kind == .newline || kind == .semicolon || kind == .end
    }

    var isClosingBracket: Bool {
        kind == .rightParen || kind == .rightBracket || kind == .rightBrace
    }
}
