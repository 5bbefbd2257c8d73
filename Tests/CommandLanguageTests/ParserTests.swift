import Testing
@testable import CommandLanguage

@Suite("Parser shapes")
struct ParserTests {
    @Test("every grammar construct parses to its shape", arguments: [
        ("42", "42"),
        ("-3", "-3"),
        ("1.5", "1.5f"),
        ("8e-9", "8e-09f"),
        ("true; false; null", "true false null"),
        ("\"text\"", "\"text\""),
        ("x", "(call x)"),
        ("let x = 42", "(let x 42)"),
        ("let s = slice x=1 y=2", "(let s (call slice x=1 y=2))"),
        ("slice x=1 y=2 z=3 size=500", "(call slice x=1 y=2 z=3 size=500)"),
        ("segment at (1, 2, 3)", "(call segment $at (vec 1 2 3))"),
        ("valid root [1, 2]", "(call valid $root [1 2])"),
        ("print \"a\" b 3", "(call print \"a\" $b 3)"),
        ("a | b | c x=1", "(pipe (call a) (call b) (call c x=1))"),
        ("[]", "[]"),
        ("[1, 2,]", "[1 2]"),
        ("[[1], [2, 3]]", "[[1] [2 3]]"),
        ("(1, 2)", "(vec 1 2)"),
        ("(x, y, z,)", "(vec $x $y $z)"),
        ("{a: 1, \"b c\": 2, 3: [4]}", "{a: 1, b c: 2, 3: [4]}"),
        ("{}", "{}"),
        ("(vars)", "(paren (call vars))"),
        ("show (slice x=1 | info)", "(call show (paren (pipe (call slice x=1) (call info))))"),
        ("a; b\nc", "(call a) (call b) (call c)"),
        ("slice x=1\n  | show", "(pipe (call slice x=1) (call show))"),
        ("slice x=\n 5", "(call slice x=5)"),
        ("let a =\n 5", "(let a 5)"),
        ("print (1,\n 2)\nprint [3,\n4]", "(call print (vec 1 2)) (call print [3 4])"),
        ("{a:\n1}", "{a: 1}"),
        ("print 1 # comment\n# whole line\nprint 2", "(call print 1) (call print 2)"),
    ])
    func shapes(source: String, expected: String) {
        let tree = Parser.parse(source)
        #expect(tree.diagnostics.isEmpty, "\(tree.diagnostics)")
        #expect(shape(source) == expected)
    }

    @Test("ranges of statements, commands and arguments")
    func ranges() {
        let tree = Parser.parse("let v = slice x=1 | show")
        guard case .binding(_, let nameRange, let pipeline, let range) = tree.statements[0] else {
            Issue.record("expected a binding")
            return
        }
        #expect(nameRange == SourceRange(start: 4, end: 5))
        #expect(range == SourceRange(start: 0, end: 24))
        #expect(pipeline.range == SourceRange(start: 8, end: 24))
        guard case .call(_, let verbRange, let arguments, let commandRange) = pipeline.commands[0] else {
            Issue.record("expected a call")
            return
        }
        #expect(verbRange == SourceRange(start: 8, end: 13))
        #expect(commandRange == SourceRange(start: 8, end: 17))
        #expect(arguments[0].range == SourceRange(start: 14, end: 17))
    }

    @Test("the parser recovers at the next statement and keeps parsing")
    func recovery() {
        let tree = Parser.parse("print )\nprint 2\nlet = 3\nprint 4")
        #expect(tree.diagnostics.count == 2)
        #expect(tree.statements.count == 3)
    }
}
