import Testing
@testable import CommandLanguage

/// The exact words a user reads: kind, message, hint and the blamed part of the cell.
@Suite("Error wording")
struct ErrorWordingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let marked: String
        let kind: String
        let message: String

        init(_ marked: String, _ kind: String, _ message: String) {
            self.marked = marked
            self.kind = kind
            self.message = message
        }

        var testDescription: String { marked }
    }

    static let cases: [Case] = [
        Case("«slcie» x=1", "NameError", "unknown command 'slcie'. Did you mean 'slice'?"),
        Case("«sgement» at (1, 2, 3)", "NameError", "unknown command 'sgement'. Did you mean 'segment'?"),
        Case("«frobnicate» 1", "NameError", "unknown command 'frobnicate'. Type help to list commands"),
        Case("«slcie»", "NameError", "unknown command or variable 'slcie'. Did you mean 'slice'?"),
        Case("let size = 5\nprint «sise»", "NameError", "unknown variable 'sise'. Did you mean 'size'?"),
        Case("print «nothing»", "NameError", "unknown variable 'nothing'. Bind it first with: let nothing = ..."),
        Case("print «vars»", "NameError", "'vars' is a command, not a variable. To use its value here, write (vars)"),
        Case("segment «a» (1, 2, 3)", "NameError", "unknown variable 'a'. Did you mean 'at'?"),
        Case("slice x=1 y=2 z=3 «sise»=5", "ArgumentError",
             "unknown parameter 'sise' for 'slice'. Did you mean 'size'? Valid parameters: x, y, z, size, layer"),
        Case("slice x=1 y=2 z=3 «colour»=5", "ArgumentError",
             "unknown parameter 'colour' for 'slice'. Valid parameters: x, y, z, size, layer"),
        Case("slice x=1 y=2 z=3 «size=\"big\"»", "ArgumentError",
             "parameter 'size' of 'slice' expects an integer, got the string \"big\". Write it like: size=42"),
        Case("slice x=1 y=2 «z=[3]»", "ArgumentError",
             "parameter 'z' of 'slice' expects an integer, got the list [3]. Write it like: z=42"),
        Case("«slice x=1 y=2»", "ArgumentError", "missing required parameter 'z' of 'slice'. Add z=42"),
        Case("slice x=1 y=2 z=3 «x»=4", "ArgumentError", "parameter 'x' of 'slice' is given twice. Keep one x=..."),
        Case("vars «1»", "ArgumentError", "'vars' takes no positional argument. Usage: vars"),
        Case("«1» | vars", "ArgumentError", "cannot pipe a value into 'vars': it takes no positional argument. Usage: vars"),
        Case("vars «x»=1", "ArgumentError", "'vars' takes no named parameters, got 'x'. Usage: vars"),
        Case("sleep «\"long\"»", "ArgumentError",
             "argument SECONDS of 'sleep' expects a number, got the string \"long\". Write it like: sleep 1.5"),
        Case("«sleep»", "ArgumentError", "'sleep' needs SECONDS (a number). Usage: sleep SECONDS"),
        Case("sleep 1 «2»", "ArgumentError", "'sleep' takes one SECONDS argument, got 2. Usage: sleep SECONDS"),
        Case("sleep «-1»", "ArgumentError", "SECONDS -1 is out of range for 'sleep': SECONDS takes 0 to 86400, one day"),
        Case("sleep «1e308»", "ArgumentError", "SECONDS 1e308 is out of range for 'sleep': SECONDS takes 0 to 86400, one day"),
        Case("segment at «(1, 2)»", "ArgumentError",
             "argument POINTS of 'segment' expects a vector of three integers, got the vector (1, 2)"),
        Case("«nope» | show", "NameError", "unknown command or variable 'nope'. Type help to list commands, vars to list variables"),
        Case("let v = 1\n1 | «v»", "TypeError",
             "'v' is a variable, not a command; only a command can take a value from '|'. Type help to list commands"),
        Case("let v = 1\nv «2»", "TypeError",
             "'v' is a variable, not a command, so it takes no arguments. Put each statement on its own line or separate them with ';'"),
        Case("1 | «2»", "TypeError", "the right side of '|' must be a command, not a value. Write a command after '|', e.g. value | show"),
        Case("«print 1» | show", "TypeError", "'print' gives no value to pipe into the next command. Pipe only commands that return a value"),
        Case("let x = «print 1»", "TypeError", "'print' gives no value to bind to 'x'. Bind the value of an expression or of a command that returns one"),
        Case("help «slcie»", "NameError", "unknown command or help topic 'slcie'. Did you mean 'slice'?"),
    ]

    @Test("kind, message and blamed range", arguments: cases)
    func wording(_ testCase: Case) async {
        let marked = Marked(testCase.marked)
        let session = StubCommands.session()
        guard let error = await failure(of: marked.source, in: session) else { return }
        #expect(error.kindName == testCase.kind)
        #expect(error.message == testCase.message)
        #expect(error.range == marked.range)
    }

    @Test("a syntax error reads as a SyntaxError with the diagnostic's words")
    func syntaxErrorWording() async {
        let error = await failure(of: "print (1, 2")
        #expect(error?.kindName == "SyntaxError")
        #expect(error?.message == "unclosed '(': expected ')' before the end of the cell")
        #expect(error?.range == SourceRange(start: 6, end: 7))
    }
}
