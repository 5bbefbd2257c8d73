import Testing
@testable import CommandLanguage

@Suite("Evaluator")
struct EvaluatorTests {
    @Test("literals and containers evaluate to values")
    func literals() async {
        #expect(await value(of: "720575940621039145") == .int(720_575_940_621_039_145))
        #expect(await value(of: "[1, 2.5, \"a\", true, null]") == .list([1, 2.5, "a", true, nil]))
        #expect(await value(of: "(1, 2, 3)") == .vector([1, 2, 3]))
        #expect(await value(of: "{a: 1, 2: \"b\"}") == .record(Record(["a": 1, "2": "b"])))
    }

    @Test("let binds; later statements and cells see the variable")
    func bindings() async {
        let session = Session()
        #expect(await value(of: "let x = 42", in: session) == nil)
        #expect(await value(of: "x", in: session) == .int(42))
        #expect(await value(of: "let p = (x, 2, 3); p", in: session) == .vector([42, 2, 3]))
        #expect(session.variable(named: "p") == .vector([42, 2, 3]))
        #expect(session.variables.map(\.name) == ["x", "p"])
    }

    @Test("the last statement's value is the cell's value; print and let give none")
    func lastValue() async {
        #expect(await value(of: "1\n2\n3") == .int(3))
        #expect(await value(of: "1; print 2") == nil)
        #expect(await value(of: "print 2; 1") == .int(1))
        #expect(await value(of: "") == nil)
        #expect(await value(of: "# only a comment\n") == nil)
    }

    @Test("print writes values as text joined by spaces; show displays them")
    func printAndShow() async {
        let output = RecordingOutput()
        let session = Session()
        _ = await value(of: "let ids = [1, 2]\nprint \"ids:\" ids (1, 2) 720575940621039145\nshow ids \"x\"",
                        in: session, output: output)
        #expect(output.events == [
            .print("ids: [1, 2] (1, 2) 720575940621039145\n"),
            .show(.list([1, 2]), nil),
            .show(.string("x"), nil),
        ])
    }

    @Test("a pipe passes the left value as the first positional argument")
    func pipelines() async {
        let output = RecordingOutput()
        _ = await value(of: "[1, 2] | print \"after\"", output: output)
        #expect(output.printed == "[1, 2] after\n")
        #expect(await value(of: "(42 | echo)", in: Self.sessionWithEcho()) == .int(42))
    }

    @Test("a name is the verb at command start and the variable elsewhere")
    func verbsAndVariables() async {
        let session = Self.sessionWithEcho()
        session.bind(name: "echo", value: "the variable")
        #expect(await value(of: "echo 1", in: session) == .int(1))
        #expect(await value(of: "echo echo", in: session) == .string("the variable"))
        #expect(await value(of: "[echo]", in: session) == .list(["the variable"]))
    }

    @Test("parenthesised pipelines are values inside arguments")
    func nested() async {
        let session = Self.sessionWithEcho()
        #expect(await value(of: "echo (echo 5)", in: session) == .int(5))
        #expect(await value(of: "[(echo 1), (echo 2 | echo)]", in: session) == .list([1, 2]))
    }

    @Test("bindings made before an error survive it, also earlier in the same cell")
    func bindingsSurviveErrors() async {
        let session = Session()
        _ = await value(of: "let a = 1", in: session)
        let error = await failure(of: "let b = 2\nnope 3\nlet c = 3", in: session)
        #expect((error?.underlying as? EvaluationError)?.kind == .nameError)
        #expect(session.variable(named: "a") == .int(1))
        #expect(session.variable(named: "b") == .int(2))
        #expect(session.variable(named: "c") == nil)
    }

    @Test("vars lists variables with kinds and values; help lists commands")
    func varsAndHelp() async {
        let session = Session()
        _ = await value(of: "let n = 5\nlet s = \"hi\"", in: session)
        let table = await value(of: "vars", in: session)?.asTable
        #expect(table?.columns == ["name", "kind", "value"])
        #expect(table?.rows == [["n", "integer", "5"], ["s", "string", "hi"]])
        let help = await value(of: "help", in: session)?.asTable
        #expect(help?.column("command") == ["help", "let", "print", "show", "sleep", "vars"])
        guard case .custom(let custom) = await value(of: "help sleep", in: session), let one = custom as? HelpPage else {
            Issue.record("help sleep is not a help page")
            return
        }
        #expect(one.signature == "sleep SECONDS")
        #expect(one.summary == "Wait a number of seconds; an interrupt stops the wait.")
        #expect(one.parameters == [HelpPage.Parameter(name: "SECONDS", type: "number", defaultText: "required",
                                                      description: "how long to wait, in seconds (0 to 86400, one day)")])
        #expect(one.sections == [
            HelpPage.Section(paragraphs: ["At most a day (86400 seconds); an interrupt ends the wait at once."]),
            HelpPage.Section(heading: "Examples", examples: ["sleep 2", "sleep 0.5"]),
        ])
    }

    @Test("user expressions evaluate one pipeline and refuse bindings")
    func userExpressions() async {
        let session = Session()
        session.bind(name: "x", value: 7)
        guard case .value(let value) = await session.evaluate(expression: "[x, x]") else {
            Issue.record("expected a value")
            return
        }
        #expect(value == .list([7, 7]))
        guard case .failure(let error) = await session.evaluate(expression: "let y = 1") else {
            Issue.record("expected a failure")
            return
        }
        #expect((error.underlying as? EvaluationError)?.kind == .valueError)
        #expect(session.variable(named: "y") == nil)
    }

    /// A session with `echo VALUE`, which returns its argument.
    static func sessionWithEcho() -> Session {
        let session = Session()
        session.register(CommandSpec(name: "echo", summary: "Return the value.",
                                     positional: PositionalSpec("VALUE", help: "any value", required: true)) {
            $0.positional[0]
        })
        return session
    }
}
