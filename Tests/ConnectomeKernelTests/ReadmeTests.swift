import CommandLanguage
import Foundation
import Testing
@testable import ConnectomeKernel

/// The README's command table against the registry, so a command or option added later cannot be
/// left out of it.
@Suite("README")
struct ReadmeTests {
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    /// The code spans (`…`) of the README's "## Commands" section, up to the next "## " heading.
    static var commandSpans: [String] {
        guard let start = readme.range(of: "\n## Commands\n") else { return [] }
        let rest = readme[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        return section.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// Whether `word` stands on its own in `text` (not inside a longer name).
    static func containsWord(_ text: String, _ word: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: word, range: searchRange) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            let isNamePart: (Character?) -> Bool = { $0.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
            if !isNamePart(before) && !isNamePart(after) { return true }
            searchRange = found.upperBound..<text.endIndex
        }
        return false
    }

    @Test("the command table names every command, and beside it its keywords and every named parameter")
    func everyCommandAndOption() {
        let spans = Self.commandSpans
        #expect(spans.count > 40, "no command table found in README.md")
        let specs = Kernel().interpreter.session.registry.specs
        #expect(specs.count > 20)
        for spec in specs {
            let mentioning = spans.filter { Self.containsWord($0, spec.name) }
            #expect(!mentioning.isEmpty, "README.md's command table lacks \(spec.name)")
            for keyword in spec.keywords {
                #expect(mentioning.contains { Self.containsWord($0, keyword) }, "README.md lacks \(spec.name) \(keyword)")
            }
            for parameter in spec.parameters {
                #expect(mentioning.contains { $0.contains(" \(parameter.name)=") || $0.contains("[\(parameter.name)=") },
                        "README.md's command table lacks \(spec.name) \(parameter.name)=")
            }
        }
        #expect(spans.contains("help language"))
    }

    @Test("the README says what dataset crant can and cannot do offline")
    func crantOffline() {
        guard let range = Self.readme.range(of: "### What works offline") else {
            Issue.record("README.md has no section on what works offline")
            return
        }
        let section = Self.readme[range.upperBound...].prefix(1500)
        for phrase in ["`dataset crant`", "`scene`", "`valid root`", "network", "graphene", "not built yet"] {
            #expect(section.contains(phrase), "the offline section does not mention \(phrase)")
        }
    }
}
