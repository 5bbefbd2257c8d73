import CommandLanguage
import ConnectomeCore
import JupyterProtocol
import Testing
@testable import ConnectomeKernel

/// What users read when they get something wrong: the kind, the words that say what and how to fix
/// it, and the caret under the argument at fault.
@Suite("scene, decode and valid errors")
struct SceneErrorWordingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var cell: String
        var ename: String
        var phrases: [String]
        /// The text the caret should start under; nil when the whole command is blamed.
        var blamed: String?

        var testDescription: String { cell }
    }

    static let cases: [Case] = [
        Case(cell: "scene segments=[1, -5]", ename: "ArgumentError",
             phrases: ["element 2 of the list, -5,", "negative", "IDs are whole numbers"], blamed: "segments="),
        Case(cell: "scene segments=[1, 2.5]", ename: "ArgumentError",
             phrases: ["element 2 of the list, 2.5,", "fractional"], blamed: "segments="),
        Case(cell: "scene segments=[1, -18446744073709551615]", ename: "ArgumentError",
             phrases: ["element 2 of the list, -18446744073709551615,", "(it is negative)"], blamed: "segments="),
        Case(cell: "valid root \"12, abc\"", ename: "ArgumentError",
             phrases: ["element 2 of the list, \"abc\",", "not an unsigned 64-bit integer"], blamed: "\"12, abc\""),
        Case(cell: "scene [1, true]", ename: "ArgumentError",
             phrases: ["element 2 of the list is the boolean true, not an ID"], blamed: "[1, true]"),
        Case(cell: "scene hidden=\"1,,2\"", ename: "ArgumentError", phrases: ["element 2 of the list is empty"], blamed: "hidden="),
        Case(cell: "scene segments=[1] colors=\"redd\"", ename: "ArgumentError",
             phrases: ["\"redd\" is not a colour name", "Did you mean \"red\"?"], blamed: "colors="),
        Case(cell: "scene segments=[1, 2] colors=[\"red\", \"bleu\"]", ename: "ArgumentError",
             phrases: ["element 2 of the list: \"bleu\" is not a colour name", "Did you mean \"blue\"?"], blamed: "colors="),
        Case(cell: "scene segments=[1] colors={1: \"gren\"}", ename: "ArgumentError",
             phrases: ["the colour of 1", "Did you mean \"green\"?"], blamed: "colors="),
        Case(cell: "scene segments=[1, 2] colors=[\"red\"]", ename: "ArgumentError",
             phrases: ["1 colours for 2 segments"], blamed: "colors="),
        Case(cell: "scene segments=[1] colors={abc: \"red\"}", ename: "ArgumentError",
             phrases: ["key \"abc\" is not an unsigned 64-bit integer", "{labels: [...]}"], blamed: "colors="),
        Case(cell: "scene layout=\"xy3d\"", ename: "ArgumentError", phrases: ["Did you mean \"xy-3d\"?"], blamed: "layout="),
        Case(cell: "scene viewer=\"ftp://x\"", ename: "ArgumentError",
             phrases: ["not spelunker, neuroglancer or an http(s) URL"], blamed: "viewer="),
        Case(cell: "scene position=(1, 2)", ename: "ArgumentError", phrases: ["position: a position is 3 numbers"], blamed: "position="),
        Case(cell: "scene points=[(1, 2)]", ename: "ArgumentError",
             phrases: ["point 1 of layer \"points\"", "not (x, y, z)", "in voxels"], blamed: "points="),
        Case(cell: "scene skeleton={nodes: [(1, 2, 3)], edges: [(0, 4)]}", ename: "ArgumentError",
             phrases: ["edge 1 names node 4", "numbered 0 to 0"], blamed: "skeleton="),
        Case(cell: "scene [1, 2, 3] groups=[\"a\", \"b\"]", ename: "ArgumentError",
             phrases: ["2 group labels for 3 segments"], blamed: "groups="),
        Case(cell: "decode \"https://example.com/page\"", ename: "ArgumentError",
             phrases: ["no #-fragment", "expected a neuroglancer link"], blamed: "\"https://example.com/page\""),
        Case(cell: "decode \"https://example.com/#section-2\"", ename: "ArgumentError",
             phrases: ["neither a JSON state nor a state-server URL"], blamed: "\"https://example.com/#section-2\""),
        Case(cell: "decode 42", ename: "ArgumentError", phrases: ["expected a neuroglancer link (a string) or a scene"], blamed: "42"),
        Case(cell: "decode \"https://spelunker.cave-explorer.org/#!middleauth+https://global.daf-apis.com/nglstate/api/v1/1\"",
             ename: "NetworkError", phrases: ["no network transport", "https://global.daf-apis.com/nglstate/api/v1/1", "inline"],
             blamed: nil),
        Case(cell: "decode \"https://x.org/#!{\\\"layers\\\": 3}\"", ename: "DataError", phrases: ["layers"], blamed: nil),
        Case(cell: "decode \"https://x.org/#!{}\" format=\"yaml\"", ename: "ArgumentError", phrases: ["format \"yaml\""], blamed: "format="),
        Case(cell: "valid [1, 2]", ename: "ArgumentError", phrases: ["valid root IDS or valid supervoxel IDS"], blamed: nil),
        Case(cell: "valid root 1 layers=300", ename: "ArgumentError", phrases: ["layers=300 is out of range for 'valid': layers takes 1 to 255"], blamed: "layers="),
    ]

    @Test(arguments: cases)
    func wording(_ testCase: Case) async throws {
        let kernel = Kernel()
        let report = try #require(await kernel.failure(testCase.cell))
        #expect(report.ename == testCase.ename, "\(report.evalue)")
        for phrase in testCase.phrases {
            #expect(report.evalue.contains(phrase), "missing \"\(phrase)\" in: \(report.evalue)")
        }
        guard let blamed = testCase.blamed else { return }
        let expected = try #require(testCase.cell.range(of: blamed)).lowerBound.utf16Offset(in: testCase.cell)
        #expect(Self.caretColumn(report) == expected, "\(report.traceback.joined(separator: "\n"))")
    }

    /// The column (in the cell line) where the traceback's caret starts.
    static func caretColumn(_ report: ErrorReport) -> Int? {
        guard let caretLine = report.traceback.first(where: { $0.contains("^") && !$0.contains("line ") }),
              let lineIndex = report.traceback.firstIndex(of: caretLine), lineIndex > 0,
              let prefixEnd = report.traceback[lineIndex - 1].range(of: ": ")?.upperBound
        else { return nil }
        let prefixLength = report.traceback[lineIndex - 1][..<prefixEnd].count
        return caretLine.prefix { $0 != "^" }.count - prefixLength
    }
}
