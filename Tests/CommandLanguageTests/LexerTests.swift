import Testing
@testable import CommandLanguage

@Suite("Lexer")
struct LexerTests {
    private func payloads(_ source: String) -> [Token.Payload] {
        let lexer = Lexer.tokenize(SourceText(source))
        #expect(lexer.diagnostics.isEmpty, "\(lexer.diagnostics)")
        return lexer.tokens.filter { $0.kind != .end }.map(\.payload)
    }

    @Test("integers span the unsigned 64-bit range, with separators and sign")
    func integers() {
        #expect(payloads("42 720575940621039145 18446744073709551615 1_000_000 -7 -18446744073709551615") == [
            .integer(42), .integer(720_575_940_621_039_145), .integer(Int128(UInt64.max)), .integer(1_000_000),
            .integer(-7), .integer(-Int128(UInt64.max)),
        ])
    }

    @Test("floats with fraction and exponent")
    func floats() {
        #expect(payloads("1.5 8e-9 2E+3 -0.25 1_0.5") == [.float(1.5), .float(8e-9), .float(2000), .float(-0.25), .float(10.5)])
    }

    @Test("strings in both quotes with every escape")
    func strings() {
        #expect(payloads(#""a\"b" 'c\'d' "e\\f" "g\nh\ti" "it's" 'say "hi"'"#) == [
            .string("a\"b"), .string("c'd"), .string("e\\f"), .string("g\nh\ti"), .string("it's"), .string("say \"hi\""),
        ])
    }

    @Test("newlines are tokens only outside brackets; comments vanish")
    func newlinesAndComments() {
        let kinds = Lexer.tokenize(SourceText("a # note\n(b\nc)\n[d,\ne]")).tokens.map(\.kind)
        #expect(kinds == [.name, .newline, .leftParen, .name, .name, .rightParen, .newline,
                          .leftBracket, .name, .comma, .name, .rightBracket, .end])
    }

    @Test("ranges count code points, not UTF-16 units or bytes")
    func codePointRanges() {
        let tokens = Lexer.tokenize(SourceText("\"🧠é\" x")).tokens
        #expect(tokens[0].range == SourceRange(start: 0, end: 4))
        #expect(tokens[1].range == SourceRange(start: 5, end: 6))
    }

    @Test("names may hold letters, digits and underscores")
    func names() {
        let tokens = Lexer.tokenize(SourceText("_a1 b_2 café")).tokens.filter { $0.kind == .name }.map(\.text)
        #expect(tokens == ["_a1", "b_2", "café"])
    }
}

@Suite("Source text")
struct SourceTextTests {
    @Test("line and column of an offset, and line text")
    func locations() {
        let source = SourceText("ab\ncdé\n\nf")
        #expect(source.location(of: 0) == (1, 1))
        #expect(source.location(of: 4) == (2, 2))
        #expect(source.location(of: 7) == (3, 1))
        #expect(source.location(of: 8) == (4, 1))
        #expect(source.lineText(2) == "cdé")
        #expect(source.lineText(3) == "")
        #expect(source.lineCount == 4)
        #expect(source.text(in: SourceRange(start: 3, end: 6)) == "cdé")
    }
}
