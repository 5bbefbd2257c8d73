import Testing
@testable import CommandLanguage

@Suite("Help pages")
struct HelpPageTests {
    @Test("help language: every example parses without a diagnostic", arguments: LanguageHelp.page.allExamples)
    func languageExamplesParse(_ example: String) {
        let tree = Parser.parse(example)
        #expect(tree.diagnostics.isEmpty, "\(example): \(tree.diagnostics.map(\.message))")
        #expect(!tree.statements.isEmpty, "\(example) has no statement")
    }

    @Test("help language covers comments, literals, containers, let, pipelines and IDs, each with examples")
    func languageCoverage() async throws {
        let page = LanguageHelp.page
        let headings = page.sections.compactMap(\.heading)
        for topic in ["comments", "Numbers", "Strings", "true, false and null", "let", "Lists", "Vectors",
                      "Records", "Pipelines", "Neuron IDs"] {
            #expect(headings.contains { $0.contains(topic) }, "no section on \(topic)")
        }
        for section in page.sections { #expect(!section.examples.isEmpty, "\(section.heading ?? "") has no example") }
        let examples = page.allExamples.joined(separator: "\n")
        for construct in ["#", "'", "\\\"", "\\n", "true", "null", "[", "(", "{", "let ", " | ", "_", "e-"] {
            #expect(examples.contains(construct), "no example writes \(construct)")
        }
        guard case .custom(let shown) = await value(of: "help language") else {
            Issue.record("help language gave no page")
            return
        }
        #expect(shown as? HelpPage == page)
    }

    @Test("the examples that need only the builtins run in a plain session")
    func languageExamplesRun() async {
        let builtins = Set(Builtins.all.map(\.name))
        for example in LanguageHelp.page.allExamples {
            let verbs = Parser.parse(example).statements.compactMap { statement -> String? in
                guard case .pipeline(let pipeline) = statement,
                      case .call(let verb, _, _, _) = pipeline.commands.first else { return nil }
                return verb
            }
            guard verbs.allSatisfy({ builtins.contains($0) || Parser.literalWords.contains($0) }),
                  !example.contains("valid") else { continue }
            if case .failure(let error) = await Session().run(example, output: RecordingOutput()) {
                Issue.record("\(example): \(error)")
            }
        }
    }

    @Test("help lists the commands and points at help language; a near miss of a topic is suggested")
    func commandListMentionsLanguage() async {
        let list = await value(of: "help")?.asTable
        #expect(list?.footer?.contains("help language") == true)
        let error = await failure(of: "help langauge")
        #expect(error?.message.contains("Did you mean 'language'?") == true)
        let session = Session()
        #expect(session.complete("help la", cursor: 7).matches == ["language"])
    }

    @Test("plain text: signature, summary, parameter rows, paragraphs wrapped, examples indented as typed")
    func plainText() {
        let page = HelpPage(
            signature: "probe x=X [size=N]", summary: "Looks at a place.",
            parameters: [HelpPage.Parameter(name: "x", type: "number", defaultText: "required", description: "where"),
                         HelpPage.Parameter(name: "size", type: "integer", defaultText: "10", description: "how much")],
            sections: [
                HelpPage.Section(paragraphs: HelpPage.paragraphs(String(repeating: "word ", count: 40) + "\nSecond.")),
                HelpPage.Section(heading: "Examples", examples: ["probe x=1", "let a = [\n    1,\n]"]),
            ])
        #expect(page.text(detailed: false) == """
            probe x=X [size=N]
              Looks at a place.

            Parameters:
              x     number   where (required)
              size  integer  how much (default 10)
            """)
        let lines = page.plainText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { $0.count <= HelpPage.width })
        #expect(lines.contains("Second."))
        #expect(lines.suffix(6) == ["Examples:", "  probe x=1", "", "  let a = [", "      1,", "  ]"])
    }

    @Test("details become one paragraph per line, blank lines and stray indentation dropped")
    func paragraphs() {
        #expect(HelpPage.paragraphs("One.\n\n  Two, indented.  \nThree.\n") == ["One.", "Two, indented.", "Three."])
        #expect(HelpPage.paragraphs("") == [])
    }
}
