import Testing
@testable import CommandLanguage

@Suite("Completion")
struct CompletionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let code: String
        let matches: [String]
        let kinds: [String]?
        let start: Int
        let end: Int

        init(_ code: String, _ matches: [String], kinds: [String]? = nil, start: Int, end: Int) {
            self.code = code
            self.matches = matches
            self.kinds = kinds
            self.start = start
            self.end = end
        }

        var testDescription: String { code }
    }

    static let cases: [Case] = [
        Case("sl‸", ["sleep", "slice", "slab"], kinds: ["command", "command", "variable"], start: 0, end: 2),
        Case("‸", ["ask", "dataset", "fail", "help", "let", "print", "segment", "show", "sleep", "slice", "vars",
                   "sample_size", "slab"], start: 0, end: 0),
        Case("slice x=1 s‸", ["size="], kinds: ["parameter"], start: 10, end: 11),
        Case("slice x=1 ‸", ["y=", "z=", "size=", "layer="], start: 10, end: 10),
        Case("slice layer=‸", ["image", "segmentation", "sample_size", "slab"],
             kinds: ["choice", "choice", "variable", "variable"], start: 12, end: 12),
        Case("slice layer=se‸", ["segmentation"], start: 12, end: 14),
        Case("segment ‸", ["at", "sample_size", "slab"], kinds: ["keyword", "variable", "variable"], start: 8, end: 8),
        Case("segment at ‸", ["sample_size", "slab"], start: 11, end: 11),
        Case("dataset s‸", ["sample", "sample_size", "slab"], kinds: ["choice", "variable", "variable"], start: 8, end: 9),
        Case("dataset ‸", ["image=", "sample", "crant", "sample_size", "slab"], start: 8, end: 8),
        Case("help sl‸", ["sleep", "slice"], kinds: ["command", "command"], start: 5, end: 7),
        Case("print 1 | sh‸", ["show"], start: 10, end: 12),
        Case("1 | l‸", [], start: 4, end: 5),
        Case("let x = sl‸", ["sleep", "slice", "slab"], start: 8, end: 10),
        Case("let sl‸", [], start: 4, end: 6),
        Case("print [1, sl‸", ["slab"], kinds: ["variable"], start: 10, end: 12),
        Case("print \"sl‸", [], start: 9, end: 9),
        Case("print 1 # sl‸", [], start: 12, end: 12),
        Case("sli‸ce x=1", ["slice"], start: 0, end: 5),
        Case("slice si‸ze=5", ["size"], start: 6, end: 10),
        Case("show (sl‸", ["sleep", "slice", "slab"], start: 6, end: 8),
        Case("show (1, sl‸", ["slab"], start: 9, end: 11),
        Case("print \"🧠\"; sl‸", ["sleep", "slice", "slab"], start: 11, end: 13),
        Case("print 1\nsh‸", ["show"], start: 8, end: 10),
    ]

    @Test("candidates, kinds and replacement range", arguments: cases)
    func completion(_ testCase: Case) async {
        let session = StubCommands.session()
        _ = await value(of: "let sample_size = 1\nlet slab = 2", in: session)
        let marked = Marked(testCase.code)
        let result = session.complete(marked.source, cursor: marked.range.start)
        #expect(result.matches == testCase.matches)
        if let kinds = testCase.kinds { #expect(result.kinds == kinds) }
        #expect(result.kinds.count == result.matches.count)
        #expect(result.start == testCase.start)
        #expect(result.end == testCase.end)
    }
}

@Suite("Inspection")
struct InspectionTests {
    private func inspect(_ marked: String, detail: Int = 0) async -> String? {
        let session = StubCommands.session()
        _ = await value(of: "let v = [1, 2]", in: session)
        let code = Marked(marked)
        return session.inspect(code.source, cursor: code.range.start, detailLevel: detail)
    }

    @Test("a verb shows usage, summary and parameters; detail 1 adds details and examples")
    func verb() async {
        let brief = await inspect("sl‸ice x=1")
        #expect(brief == """
            slice x=X y=Y z=Z [size=N] [layer=TEXT]
              An XY section centred on a voxel.

            Parameters:
              x      integer  voxel x (required)
              y      integer  voxel y (required)
              z      integer  section z (required)
              size   integer  output pixels per side (default 1000)
              layer  string   layer to read (one of: image, segmentation) (default image)
            """)
        let full = await inspect("slice‸", detail: 1)
        #expect(full?.hasSuffix("Coordinates are mip-0 voxels.\n\nExamples:\n  slice x=24899 y=14436 z=3739 size=500") == true)
    }

    @Test("a parameter name shows that parameter's help")
    func parameter() async {
        #expect(await inspect("slice x=1 si‸ze=5") == "slice size=N  (integer, default 1000)\n  output pixels per side")
        #expect(await inspect("slice la‸yer=image")
            == "slice layer=TEXT  (string, default image)\n  layer to read\n  choices: image, segmentation")
    }

    @Test("a keyword shows its command's help; a variable its kind and value")
    func keywordAndVariable() async {
        #expect(await inspect("segment a‸t (1, 2, 3)")?.hasPrefix("segment at POINTS\n  Segmentation IDs") == true)
        #expect(await inspect("print v‸") == "v: list\n[1, 2]")
        #expect(await inspect("v‸") == "v: list\n[1, 2]")
    }

    @Test("nothing known under the cursor gives nil")
    func nothing() async {
        #expect(await inspect("print 1‸") == nil)
        #expect(await inspect("zzz‸") == nil)
        #expect(await inspect("‸") == nil)
    }
}

@Suite("isComplete")
struct IsCompleteTests {
    @Test("complete cells", arguments: ["print 1", "", "let x = [1,\n2]", "# only a comment", "slice x=1 |\n show", "a; b"])
    func complete(code: String) {
        #expect(Session().isComplete(code) == .complete)
    }

    @Test("incomplete cells and the indent of the next line", arguments: [
        ("print (1,", "    "),
        ("print [(1,", "        "),
        ("print \"abc", ""),
        ("print (\"abc", ""),
        ("slice x=1 |", "    "),
        ("slice x=1 |\n", "    "),
        ("let x =", "    "),
        ("slice x=", "    "),
        ("{a:", "    "),
        ("let", "    "),
    ])
    func incomplete(code: String, indent: String) {
        #expect(Session().isComplete(code) == .incomplete(indent: indent))
    }

    @Test("invalid cells that more input cannot fix",
          arguments: ["print )", "print 1,", "let 5 = 3", "print (1 2", "print \"\\q\" (", "x = 1", "1 2"])
    func invalid(code: String) {
        #expect(Session().isComplete(code) == .invalid)
    }
}

@Suite("Completion of open parameter names")
struct PipelineInputTests {
    /// A session with `filter` (open names: the piped stages, rendered as names) and `source`.
    private static func session() -> Session {
        let session = StubCommands.session()
        session.register(CommandSpec(name: "source", summary: "A table.") { _ in .null })
        session.register(CommandSpec(
            name: "filter", summary: "Open names.",
            positional: PositionalSpec("TABLE", help: "piped in", required: false),
            otherParameters: ParameterSpec("FIELD", .any, help: "a field"),
            otherParameterNames: { input in
                let source = input.source.map { "source_" + $0.nestedText.filter(\.isNumber) } ?? "no_source"
                return [source] + input.commands.map { "after_" + $0 }
            }) { _ in .null })
        return session
    }

    @Test("the stages before the cursor's reach the command, a bound variable as its value", arguments: [
        ("filter ‸", ["no_source="]),
        ("source | filter ‸", ["no_source=", "after_source="]),
        ("source x=\"a\" | slice x=1 | filter ‸", ["no_source=", "after_source=", "after_slice="]),
        ("t | filter ‸", ["source_42="]),
        ("t | source | filter ‸", ["source_42=", "after_source="]),
        ("let y = t | filter ‸", ["source_42="]),
        ("print 1; source | filter ‸", ["no_source=", "after_source="]),
        ("show (source | filter ‸", ["no_source=", "after_source="]),
        ("source (t | slice) | filter ‸", ["no_source=", "after_source="]),
        ("print [t | filter ‸", ["source_42="]),
    ])
    func stages(_ code: String, _ expected: [String]) async {
        let session = Self.session()
        _ = await value(of: "let t = 42", in: session)
        let marked = Marked(code)
        let result = session.complete(marked.source, cursor: marked.range.start)
        #expect(result.matches.filter { $0.hasPrefix("no_") || $0.hasPrefix("source_") || $0.hasPrefix("after_") } == expected)
    }
}
