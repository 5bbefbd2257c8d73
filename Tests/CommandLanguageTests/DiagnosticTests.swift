import Testing
@testable import CommandLanguage

/// Each case: the source with the blamed range marked, the exact message, and whether more input could fix it.
@Suite("Syntax diagnostics")
struct DiagnosticTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let marked: String
        let message: String
        let expectsMoreInput: Bool

        init(_ marked: String, _ message: String, more: Bool = false) {
            self.marked = marked
            self.message = message
            self.expectsMoreInput = more
        }

        var testDescription: String { marked }
    }

    static let cases: [Case] = [
        Case("print «(»1, 2", "unclosed '(': expected ')' before the end of the cell", more: true),
        Case("print «[»1, 2", "unclosed '[': expected ']' before the end of the cell", more: true),
        Case("let r = «{»a: 1", "unclosed '{': expected '}' before the end of the cell", more: true),
        Case("print «\"»abc", "unterminated string: add the closing \"", more: true),
        Case("print \"a«\\q»b\"", "unknown escape sequence '\\q' in string; use \\\" \\' \\\\ \\n or \\t (write \\\\ for a backslash)"),
        Case("print 1 «)»", "unmatched ')': nothing is open here"),
        Case("print 1«,» 2", "unexpected ','; arguments are separated by spaces, and a list is written [a, b]"),
        Case("«x =» 5", "'x =' is not a statement; bind a variable with: let x = ..."),
        Case("let «true» = 1", "'true' is a reserved word and cannot be a variable name"),
        Case("let «5» = 1", "expected a variable name after 'let', as in: let x = 42, found '5'"),
        Case("«let»", "expected a variable name after 'let', as in: let x = 42", more: true),
        Case("let «x»", "expected '=' after 'let x', as in: let x = 42", more: true),
        Case("let x «=»", "expected a value or command after 'let x ='", more: true),
        Case("slice x«=»", "expected a value after 'x='", more: true),
        Case("slice x=1 «|»", "expected a command after '|'", more: true),
        Case("slice x=1 | «;»", "expected a command after '|', found ';'"),
        Case("«()»", "empty parentheses; a vector needs at least two elements, as in (x, y)"),
        Case("«(1,)»", "a vector needs at least two elements, as in (x, y)"),
        Case("print (1, 2 «3»)", "expected ')' to close '(', found '3'"),
        Case("print [1 «2»]", "expected ',' or ']' after a list element, found '2'"),
        Case("print {a: 1 «b»: 2}", "expected ',' or '}' after a record entry, found 'b'"),
        Case("print {«[»: 1}", "expected a record key (a name, string or integer), found '['"),
        Case("print {a «1»}", "expected ':' after the record key 'a', found '1'"),
        Case("print {a: 1, «a»: 2}", "duplicate key 'a' in record"),
        Case("print «12abc»", "malformed number '12abc'; write integers like 42 or 1_000 and numbers like 1.5 or 8e-9"),
        Case("print «1e»", "malformed number '1e'; write integers like 42 or 1_000 and numbers like 1.5 or 8e-9"),
        Case("print «18446744073709551616»",
             "integer '18446744073709551616' is out of range; integers must lie within ±18446744073709551615 (unsigned 64-bit)"),
        Case("print «$»x", "unexpected character '$'; names use letters, digits and '_', strings go in quotes"),
        Case("42 «x»", "unexpected 'x' after a value; only commands take arguments, and statements are separated by a line break or ';'"),
        Case("print 1 «=» 2", "unexpected '='; name a parameter as name=value after a command, or bind a variable with let name = value"),
        Case("print [«=»]", "expected a value, found '='"),
        Case("print («slice x=1», 2)", "a vector holds values, not commands; put the command in its own parentheses"),
        Case("x | «let» y = 1", "'let' can only start a statement"),
    ]

    @Test("message and range", arguments: cases)
    func diagnostic(_ testCase: Case) {
        let marked = Marked(testCase.marked)
        let tree = Parser.parse(marked.source)
        guard let first = tree.diagnostics.first else {
            Issue.record("no diagnostic for \(marked.source)")
            return
        }
        #expect(first.message == testCase.message)
        #expect(first.range == marked.range)
        #expect(first.expectsMoreInput == testCase.expectsMoreInput)
    }

    @Test("a syntax error stops the whole cell before anything runs")
    func syntaxErrorRunsNothing() async {
        let session = Session()
        let output = RecordingOutput()
        let error = await failure(of: "print 1\nprint (2", in: session, output: output)
        #expect(error?.underlying is Diagnostic)
        #expect(error?.kindName == "SyntaxError")
        #expect(output.events.isEmpty)
    }
}
