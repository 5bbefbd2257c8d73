import Testing
@testable import CommandLanguage

/// Domain commands registered from outside, the way the kernel registers ConnectomeCore's.
@Suite("Domain commands")
struct DomainCommandTests {
    @Test("keywords arrive as keywords and the piped value as the first positional")
    func keywordsAndPipes() async {
        let session = StubCommands.session()
        #expect(await value(of: "segment at (1, 2, 3)", in: session) == .int(6))
        #expect(await value(of: "(10, 20, 30) | segment at", in: session) == .int(60))
        #expect(await value(of: "let at = (1, 1, 1)\nlet p = (2, 2, 2)\np | segment at", in: session) == .int(6))
    }

    @Test("custom values ride through variables, vars and print")
    func customValues() async {
        let session = StubCommands.session()
        let output = RecordingOutput()
        let image = await value(of: "let img = slice x=1 y=2 z=3 size=5\nprint img\nimg", in: session, output: output)
        #expect(image?.asCustom(StubImage.self)?.width == 5)
        #expect(image?.kindName == "image")
        #expect(output.printed == "<image 5×5>\n")
        let table = await value(of: "vars", in: session)?.asTable
        #expect(table?.rows == [["img", "image", "<image 5×5>"]])
    }

    @Test("declared choices read as words, also for named parameters")
    func choices() async {
        let session = StubCommands.session()
        #expect(await value(of: "dataset crant", in: session) == .string("crant"))
        #expect(await value(of: "dataset", in: session) == .string("current"))
        #expect(await value(of: "slice x=1 y=2 z=3 layer=segmentation", in: session)?.kindName == "image")
        session.bind(name: "crant", value: 1)
        #expect(await value(of: "dataset crant", in: session) == .string("crant"))
        let error = await failure(of: "dataset (crant)", in: session)
        #expect(error?.message == "argument NAME of 'dataset' expects a string, got the integer 1. Write it like: dataset \"text\"")
    }

    @Test("an error of a type the language does not know keeps its type and blames the command")
    func domainError() async {
        let error = await failure(of: "print 1\nfail", in: StubCommands.session())
        #expect(error?.underlying as? StubDomainError == StubDomainError(detail: "chunk missing"))
        #expect(error?.kindName == nil)
        #expect(error?.range == SourceRange(start: 8, end: 12))
    }

    @Test("commands can ask for input through the output")
    func input() async {
        let output = RecordingOutput(answers: ["Ada"])
        #expect(await value(of: "ask", in: StubCommands.session(), output: output) == .string("Ada"))
    }

    @Test("a hand-built invocation checks types with the same words")
    func handBuiltInvocation() throws {
        let invocation = Invocation(command: "slice", named: ["size": "big", "mip": 2], output: RecordingOutput())
        #expect(try invocation.int("mip") == 2)
        #expect(try invocation.int("width", default: 7) == 7)
        #expect(try invocation.double("mip") == 2.0)
        #expect(invocation.has("size") && !invocation.has("width"))
        let error = #expect(throws: EvaluationError.self) { try invocation.int("size", default: 1000) }
        #expect(error?.kind == .argumentError)
        #expect(error?.description == "parameter 'size' of 'slice' expects an integer, got the string \"big\". Write it like: size=42")
        let missing = #expect(throws: EvaluationError.self) { try invocation.string("layer") }
        #expect(missing?.message == "missing required parameter 'layer' of 'slice'")
    }

    @Test("a registered command replaces one of the same name and shows in help")
    func registry() async {
        let session = StubCommands.session()
        session.register(CommandSpec(name: "fail", summary: "Now succeeds.") { _ in .bool(true) })
        #expect(await value(of: "fail", in: session) == .bool(true))
        let help = await value(of: "help", in: session)?.asTable
        #expect(help?.rows.contains([.string("fail"), .string("Now succeeds.")]) == true)
        #expect(session.registry.names.contains("segment"))
    }
}
