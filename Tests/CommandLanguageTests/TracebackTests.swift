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

    @Test("a long line is cut to a window around the range")
    func longLine() {
        let code = String(repeating: "a", count: 1000) + " nope " + String(repeating: "b", count: 1000)
        let error = CellError(Diagnostic("x", range: SourceRange(start: 1001, end: 1005)), range: SourceRange(start: 1001, end: 1005),
                              source: SourceText(code))
        let lines = error.tracebackLines()
        #expect(lines.count == 2)
        #expect(lines[0] == "line 1: …" + String(repeating: "a", count: 49) + " nope " + String(repeating: "b", count: 145) + "…")
        #expect(lines[1] == String(repeating: " ", count: 9 + 50) + "^^^^")
    }

    @Test("a range over many lines shows its first three and last two")
    func manyLines() {
        let code = (1...20).map { "l\($0)" }.joined(separator: "\n")
        let source = SourceText(code)
        let error = CellError(Diagnostic("x", range: SourceRange(start: 0, end: source.count)),
                              range: SourceRange(start: 0, end: source.count), source: source)
        let lines = error.tracebackLines()
        #expect(lines.filter { $0.hasPrefix("line ") }.map { $0.prefix(8) } == ["line 1: ", "line 2: ", "line 3: ", "line 19:", "line 20:"])
        #expect(lines.contains("… 15 more lines"))
    }
}
