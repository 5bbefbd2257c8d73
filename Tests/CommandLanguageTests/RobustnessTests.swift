import Testing
@testable import CommandLanguage

/// Every prefix of some tricky cells, at every cursor position: parsing, completion, inspection and
/// `isComplete` must answer without trapping, and ranges must stay inside the text.
@Suite("Robustness")
struct RobustnessTests {
    static let cells = [
        "let p = (24899, 14436, 3739)\nslice x=1 y=2 z=3 size=500 | show # note\nsegment at [p, (1, 2, 3)]",
        "print {a: [1, 'b\\'c', {\"k\": -8e-9}], 2: null}; help slice",
        "x = ) ] } ,, :: || ;; \"\\q 12abc 1e 🧠 $ (1,) () {a 1} [1 2",
        "\t(\n(\n[\n{\n\"",
    ]

    @Test("all prefixes and cursors", arguments: cells)
    func prefixes(cell: String) async {
        let session = StubCommands.session()
        session.bind(name: "p", value: .vector([1, 2, 3]))
        let scalars = Array(cell.unicodeScalars)
        for length in 0...scalars.count {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[0..<length])
            let code = String(view)
            let tree = Parser.parse(code)
            for diagnostic in tree.diagnostics {
                #expect(diagnostic.range.end <= length, "\(diagnostic) in \(code)")
            }
            _ = session.isComplete(code)
            for cursor in 0...length {
                let completion = session.complete(code, cursor: cursor)
                #expect(completion.start <= completion.end && completion.end <= length)
                _ = session.inspect(code, cursor: cursor, detailLevel: 1)
            }
        }
    }

    @Test("cells that fail to parse still run nothing and report a range inside the cell", arguments: cells)
    func failuresStayInRange(cell: String) async {
        let output = RecordingOutput()
        let outcome = await StubCommands.session().run(cell, output: output)
        if case .failure(let error) = outcome {
            #expect(error.range.end <= error.source.count)
            #expect(!error.tracebackLines().isEmpty)
        }
    }
}
