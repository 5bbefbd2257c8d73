import Testing
@testable import CommandLanguage

@Suite("Traceback")
struct TracebackTests {
    @Test("carets under the offending word of its line")
    func singleLine() async {
        let error = await failure(of: "let a = 1\nslcie x=1", in: StubCommands.session())
        #expect(error?.tracebackLines() == [
            "line 2: slcie x=1",
            "        ^^^^^",
        ])
    }

    @Test("an unclosed bracket is marked at the bracket")
    func unclosed() async {
        let error = await failure(of: "print (1, 2")
        #expect(error?.tracebackLines() == [
            "line 1: print (1, 2",
            "              ^",
        ])
    }

    @Test("a range over several lines marks each line's part")
    func multiLine() async {
        let error = await failure(of: "let x = print (1,\n2)")
        #expect(error?.tracebackLines() == [
            "line 1: let x = print (1,",
            "                ^^^^^^^^^",
            "line 2: 2)",
            "        ^^",
        ])
    }

    @Test("tabs before the range are kept so the caret lines up")
    func tabs() async {
        let error = await failure(of: "\tnope", in: Session())
        #expect(error?.tracebackLines() == ["line 1: \tnope", "        \t^^^^"])
    }

    @Test("an empty range at the end of a line gets one caret")
    func emptyRange() {
        let error = CellError(Diagnostic("x", range: .at(3)), range: .at(3), source: SourceText("abc\ndef"))
        #expect(error.tracebackLines() == ["line 1: abc", "           ^"])
    }
}
