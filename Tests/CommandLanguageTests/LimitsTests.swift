import Testing
@testable import CommandLanguage

/// The limits that keep a cell from killing the kernel: checked numbers, byte counts, seconds,
/// bracket nesting and value nesting. Each case here trapped or overflowed the stack before.
@Suite("Limits")
struct LimitsTests {
    /// A command whose parameters declare ranges, standing in for `slice`.
    static let ranged = CommandSpec(
        name: "ranged",
        summary: "Takes ranged numbers.",
        parameters: [
            ParameterSpec("x", .number, range: .coordinate, help: "a coordinate"),
            ParameterSpec("mip", .integer, default: "0", range: 0...63, help: "a level"),
            ParameterSpec("position", .vector, range: .coordinate, help: "a point"),
            ParameterSpec("size", .any, range: NumberRange(0...(1 << 30)), help: "memory"),
        ],
        positional: PositionalSpec("COUNT", .integer, help: "a count", range: NumberRange(1...10))
    ) { invocation in
        if let bytes = try invocation.byteCount("size") { return .int(Int128(bytes)) }
        if invocation.has("x") { return .float(try invocation.double("x")) }
        if !invocation.positional.isEmpty { return .int(Int128(try invocation.int(at: 0))) }
        return .int(Int128(try invocation.int("mip", default: 0)))
    }

    static func session() -> Session {
        let session = StubCommands.session()
        session.register(ranged)
        return session
    }

    // MARK: - The one conversion

    @Test("NumberRange converts only finite numbers inside it, and never traps")
    func conversion() {
        let range = NumberRange(0...63)
        #expect(range.int(5.9) == 5)
        #expect(range.int(63.0) == 63)
        #expect(range.int(63.5) == nil)
        #expect(range.int(-0.5) == nil)
        #expect(range.int(.nan) == nil)
        #expect(range.int(.infinity) == nil)
        #expect(range.int(1e19) == nil)
        #expect(NumberRange.coordinate.int(-1e300) == nil)
        #expect(NumberRange.coordinate.int(-0.5) == -1)
        #expect(NumberRange.coordinate.int(Double(1 << 40)) == 1 << 40)
        #expect(range.int(Value.int(18_446_744_073_709_551_615)) == nil)
        #expect(range.int(Value.float(1e3)) == nil)
        #expect(range.int(Value.float(12)) == 12)
        #expect(range.int(Value.string("5")) == nil)
        // A range as wide as Int itself still refuses 2^63, which no Int holds.
        #expect(Invocation.anyInt.int(0x1p63) == nil)
        #expect(Invocation.anyInt.int(Value.int(Int128(Int.max) + 1)) == nil)
    }

    @Test("the first number outside a range is found inside lists and vectors")
    func firstOutside() {
        let range = NumberRange(0...10)
        #expect(range.firstOutside(in: .list([1, .vector([2, 3]), .list([.list([11])])])) == 11)
        #expect(range.firstOutside(in: .list([1, "text", .record(Record(["a": 99]))])) == nil)
        #expect(range.firstOutside(in: .float(-1)) == .float(-1))
    }

    @Test("byte counts: units, and inf, nan, negatives and garbage refused by name")
    func byteCounts() {
        #expect(ByteCount.parse("2 GB") == .success(2e9))
        #expect(ByteCount.parse("512 MiB") == .success(512 * 1_048_576))
        #expect(ByteCount.parse(" 1.5G ") == .success(1.5 * 1_073_741_824))
        #expect(ByteCount.parse("1_000 kb") == .success(1e6))
        #expect(ByteCount.parse(536_870_912) == .success(536_870_912))
        #expect(ByteCount.parse("inf GB") == .failure(.notFinite))
        #expect(ByteCount.parse("nan") == .failure(.notFinite))
        #expect(ByteCount.parse("infinity") == .failure(.notFinite))
        #expect(ByteCount.parse("-1 MB") == .failure(.negative))
        #expect(ByteCount.parse(-1) == .failure(.negative))
        #expect(ByteCount.parse("lots") == .failure(.notAnAmount))
        #expect(ByteCount.parse("GB") == .failure(.notAnAmount))
        #expect(ByteCount.parse("0x10") == .failure(.notAnAmount))
        #expect(ByteCount.parse(.list([1])) == .failure(.notAnAmount))
        #expect(ByteCount.format(512) == "512 bytes")
        #expect(ByteCount.format(3 << 29) == "1.5 GiB")
    }

    // MARK: - Through a session: the words and the caret

    struct Case: CustomTestStringConvertible, Sendable {
        let marked: String
        let message: String
        var testDescription: String { marked }
    }

    static let cases: [Case] = [
        Case(marked: "ranged «x=1e19»", message: "x=1e19 is out of range for 'ranged': x takes -2^40 to 2^40 (±1099511627776)"),
        Case(marked: "ranged «x=-18446744073709551615»",
             message: "x=-18446744073709551615 is out of range for 'ranged': x takes -2^40 to 2^40 (±1099511627776)"),
        Case(marked: "ranged «mip=64»", message: "mip=64 is out of range for 'ranged': mip takes 0 to 63"),
        Case(marked: "ranged «mip=18446744073709551615»",
             message: "mip=18446744073709551615 is out of range for 'ranged': mip takes 0 to 63"),
        Case(marked: "ranged «position=(1e300, 0, 0)»",
             message: "position=(1e300, 0, 0) holds 1e300, which is out of range for 'ranged': position takes -2^40 to 2^40 (±1099511627776)"),
        Case(marked: "ranged «0»", message: "COUNT 0 is out of range for 'ranged': COUNT takes 1 to 10"),
        Case(marked: "ranged «size=\"inf GB\"»",
             message: "size=\"inf GB\" is not a finite amount of memory. Give bytes (536870912) or a string such as \"512 MB\" or \"2 GB\""),
        Case(marked: "ranged «size=\"nan\"»",
             message: "size=\"nan\" is not a finite amount of memory. Give bytes (536870912) or a string such as \"512 MB\" or \"2 GB\""),
        Case(marked: "ranged «size=\"-2 GB\"»",
             message: "size=\"-2 GB\" is negative; an amount of memory is 0 bytes or more. Give bytes (536870912) or a string such as \"512 MB\" or \"2 GB\""),
        Case(marked: "ranged «size=\"lots\"»",
             message: "size=\"lots\" is not an amount of memory. Give bytes (536870912) or a string such as \"512 MB\" or \"2 GB\""),
        Case(marked: "ranged «size=\"2 GB\"»", message: "size=\"2 GB\" is out of range for 'ranged': size takes 0 to 1073741824"),
        Case(marked: "ranged «size=1e19»", message: "size=1e19 is out of range for 'ranged': size takes 0 to 1073741824"),
        Case(marked: "ranged «size=[1, 2]»",
             message: "size=[1, 2] is not an amount of memory. Give bytes (536870912) or a string such as \"512 MB\" or \"2 GB\""),
        Case(marked: "sleep «18446744073709551615»",
             message: "SECONDS 18446744073709551615 is out of range for 'sleep': SECONDS takes 0 to 86400, one day"),
    ]

    @Test("out-of-range numbers are ArgumentErrors naming the parameter, the value and the range", arguments: cases)
    func wording(_ testCase: Case) async {
        let marked = Marked(testCase.marked)
        guard let error = await failure(of: marked.source, in: Self.session()) else { return }
        #expect(error.kindName == "ArgumentError")
        #expect(error.message == testCase.message)
        #expect(error.range == marked.range)
    }

    @Test("numbers inside the ranges arrive converted")
    func inside() async {
        let session = Self.session()
        #expect(await value(of: "ranged x=-1099511627776", in: session) == .float(-0x1p40))
        #expect(await value(of: "ranged mip=63", in: session) == 63)
        #expect(await value(of: "ranged 1e1", in: session) == 10)
        #expect(await value(of: "ranged size=\"1 GiB\"", in: session) == .int(1 << 30))
        #expect(await value(of: "sleep 0", in: session) == nil)
        #expect(await value(of: "sleep 1e-300", in: session) == nil)
    }

    @Test("help shows the declared ranges")
    func help() {
        let text = Self.ranged.helpText(detailed: false)
        #expect(text.contains("a level (0 to 63)"))
        #expect(text.contains("a count (1 to 10)"))
        #expect(Self.ranged.parameterHelp("mip")?.contains("default 0, 0 to 63") == true)
    }

    @Test("a hand-built invocation applies the spec's ranges too")
    func handBuilt() {
        let invocation = Invocation(command: "ranged", named: ["mip": 99, "x": .float(1e19)], output: RecordingOutput(),
                                    spec: Self.ranged)
        let error = #expect(throws: EvaluationError.self) { try invocation.int("mip", default: 0) }
        #expect(error?.message == "mip=99 is out of range for 'ranged': mip takes 0 to 63")
        #expect(throws: EvaluationError.self) { try invocation.double("x") }
        let derived = #expect(throws: EvaluationError.self) {
            try invocation.int(1e30, derivedFrom: "x", in: .coordinate, what: "mip-3 voxel x")
        }
        #expect(derived?.message == "x=1e19 gives mip-3 voxel x 1e30, out of range for 'ranged': it must be -2^40 to 2^40 (±1099511627776)")
        // Without a spec, an integer past Int is still an error, not a trap.
        let bare = Invocation(command: "ranged", named: ["mip": .int(Int128(1) << 70)], output: RecordingOutput())
        #expect(throws: EvaluationError.self) { try bare.int("mip") }
        #expect(throws: EvaluationError.self) { try bare.seconds(at: 0) }
        let sleepy = Invocation(command: "sleep", positional: [.float(1e308)], output: RecordingOutput())
        #expect(throws: EvaluationError.self) { try sleepy.seconds(at: 0) }
    }

    // MARK: - Nesting

    static func nested(_ depth: Int, open: String = "(", close: String = ")") -> String {
        String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
    }

    @Test("brackets nested past the limit are one SyntaxError with a caret under the first bracket too deep")
    func bracketLimit() async {
        let session = Self.session()
        for (open, close) in [("(", ")"), ("[", "]"), ("{a: ", "}")] {
            let cell = "print " + Self.nested(10_000, open: open, close: close)
            let tree = Parser.parse(cell)
            #expect(tree.diagnostics.count == 1)
            let error = await failure(of: cell, in: session)
            #expect(error?.kindName == "SyntaxError")
            #expect(error?.message.contains("more than 256 levels deep") == true)
            let start = 6 + Parser.maxNesting * open.unicodeScalars.count
            #expect(error?.range == SourceRange(start: start, end: start + 1))
            #expect(session.isComplete(cell) == .invalid)
            #expect(session.isComplete(String(cell.prefix(8_000))) == .invalid)
            _ = session.complete(cell, cursor: 5_000)
            _ = session.inspect(cell, cursor: 5_000, detailLevel: 1)
        }
        #expect(await value(of: "print " + Self.nested(Parser.maxNesting), in: session) == nil)
        #expect(Parser.parse("print " + Self.nested(Parser.maxNesting + 1)).diagnostics.count == 1)
        // The text after the over-deep part still parses and reports its own errors.
        let after = Parser.parse("print " + Self.nested(300) + "\nprint )")
        #expect(after.diagnostics.count == 2)
    }

    @Test("a value nested past the limit by repeated let is refused, and the bindings made before stay")
    func valueLimit() async {
        let session = Self.session()
        let cell = "let a = 1\n" + String(repeating: "let a = [a]\n", count: Value.maxNesting + 10)
        let error = await failure(of: cell, in: session)
        #expect(error?.kindName == "ValueError")
        #expect(error?.message.hasPrefix("this list would nest 257 levels deep; values nest at most 256 levels") == true)
        #expect(error.map { $0.source.text(in: $0.range) } == "[a]")
        guard let kept = session.variable(named: "a") else { Issue.record("a was lost"); return }
        #expect(kept.nestingDepth == Value.maxNesting)
        // At the limit the value renders, compares, shows in vars and is released without trouble.
        #expect(kept.plainText.hasPrefix(String(repeating: "[", count: Value.maxNesting) + "1"))
        #expect(kept == kept)
        #expect(await value(of: "vars", in: session)?.asTable?.rows.count == 1)
        #expect(await failure(of: "let b = {k: a}", in: session)?.kindName == "ValueError")
        #expect(await failure(of: "let b = (a, a)", in: session)?.kindName == "ValueError")
        session.unbind(name: "a")
    }

    @Test("a value ten times deeper than the limit, built directly, still releases, renders and compares on a pool thread")
    func deepRelease() async {
        let depth = Value.maxNesting * 10
        let text = await Task.detached { () -> Int in
            var value: Value = 1
            for _ in 0..<depth { value = .list([value]) }
            let length = value.plainText.count
            #expect(value.nestingDepth == depth)
            #expect(value == value)
            #expect(value != .list([value]))
            value = .null
            return length
        }.value
        #expect(text == 2 * depth + 1)
    }

    @Test("a record of many keys builds in linear time, later keys replacing earlier ones in place")
    func wideRecord() {
        let entries = (0..<100_000).map { Record.Entry(key: "k\($0 % 50_000)", value: .int(Int128($0))) }
        let record = Record(entries)
        #expect(record.count == 50_000)
        #expect(record["k0"] == 50_000)
        #expect(record.keys.first == "k0")
    }

    @Test("a megabyte-long mistyped name gets its error at once")
    func longName() async {
        let name = String(repeating: "x", count: 1 << 20)
        let clock = ContinuousClock()
        let started = clock.now
        let error = await failure(of: name, in: Self.session())
        #expect(error?.kindName == "NameError")
        #expect(clock.now - started < .seconds(10))
    }
}
