import ConnectomeCore
import Foundation
import JupyterProtocol
import Synchronization
import Testing
@testable import CommandLanguage
@testable import ConnectomeKernel

/// Extreme values in every parameter of every command the registry knows, read from the registry
/// itself, so a command added later is covered without touching this file.
///
/// Each command's first example that runs is its baseline (its own words, so required parameters are
/// there); each parameter and positional argument in turn gets each extreme value. Every cell must
/// end, within a time limit, in a value or an error a user can read, and the variable bound before
/// must still be there. A trap or a stack overflow ends the whole test process, which fails the run.
@Suite(.serialized) struct RegistryExtremesTests {
    /// The small sample and CATMAID project the slice and CATMAID suites write (shared, so the test
    /// costs no second one; a volume the size of the examples' coordinates takes minutes to generate
    /// in a debug build, so some examples fall outside it and their cells test the error paths).
    static var directory: String { SliceCommandTests.directory }
    static var catmaidServer: String { CatmaidCommandTests.server }

    /// The values every parameter gets: number edges (of Double, Int, UInt64 and the coordinate range),
    /// nan-producing text, sizes, depths and wrong types.
    static let extremes: [String] = [
        "1e308", "-1e308", "1e19", "0", "-1", "0.5", "1099511627776", "-1099511627776",
        "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "-18446744073709551615", "18446744073709551616",
        "\"nan\"", "\"inf\"", "\"\"",
        "\"" + String(repeating: "x", count: 1 << 20) + "\"",
        "[" + Array(repeating: "18446744073709551615", count: 10_000).joined(separator: ", ") + "]",
        String(repeating: "[", count: 1000) + "1" + String(repeating: "]", count: 1000),
        String(repeating: "[", count: 200) + "1e308" + String(repeating: "]", count: 200),
        "[]", "{a: 1e308}", "true", "null", "kept",
        "(1e308, -1e308, 1e19)", "[(1e300, 0, 0), (0, 0, 0)]", "(vars)",
    ]

    static let cellTimeout: Duration = .seconds(30)

    /// One kernel and the cells that put it in a known state; `reset` puts it back when a cell moved it.
    struct Context {
        let name: String
        let kernel: Kernel
        let setup: [String]
        let isSettled: @Sendable (KernelState) -> Bool
    }

    static func contexts() async -> [Context] {
        let precomputed = Context(name: "precomputed sample", kernel: Kernel(sampleDirectory: directory),
                                  setup: ["dataset sample", "let kept = 1"],
                                  isSettled: { $0.dataset.name == "sample" && $0.currentStack == nil })
        let stack = Context(name: "CATMAID stack", kernel: Kernel(sampleDirectory: directory),
                            setup: ["catmaid \"\(catmaidServer)\"", "stack 1", "let kept = 1"],
                            isSettled: { $0.currentStack != nil })
        for context in [precomputed, stack] {
            for cell in context.setup { await context.kernel.run(cell) }
        }
        return [precomputed, stack]
    }

    @Test("every integer and number parameter and positional declares its range, shown in help")
    func everyNumberHasARange() async {
        let kernel = Kernel(sampleDirectory: Self.directory)
        let specs = kernel.interpreter.session.registry.specs
        #expect(specs.count > 15)
        for spec in specs {
            for parameter in spec.parameters where [.integer, .number].contains(parameter.type) {
                #expect(parameter.range != nil, "\(spec.name) \(parameter.name)= has no range")
            }
            if let positional = spec.positional, [.integer, .number].contains(positional.type) {
                #expect(positional.range != nil, "\(spec.name) \(positional.name) has no range")
            }
            for parameter in spec.parameters {
                guard let range = parameter.range else { continue }
                #expect(spec.helpText(detailed: false).contains(range.description), "help \(spec.name) hides the range of \(parameter.name)")
            }
        }
    }

    @Test("extreme values in every parameter of every command give a value or an error, and keep the bindings")
    func extremeValues() async {
        let contexts = await Self.contexts()
        var cells = 0
        var outcomes: [String: Int] = [:]
        var answers: [String: String] = [:]
        for context in contexts {
            let session = context.kernel.interpreter.session
            for spec in session.registry.specs {
                let baseline = await Self.baseline(for: spec, in: context)
                // A later context is swept only for the commands it changes (slice and info on a stack).
                let answer = "\(baseline) → \(await Self.run(baseline, in: context.kernel))"
                if answers[spec.name] == answer { continue }
                answers[spec.name] = answer
                for slot in Self.slots(of: spec) {
                    for value in Self.extremes {
                        let cell = Self.cell(baseline, of: spec, slot: slot, value: value)
                        let outcome = await Self.run(cell, in: context.kernel)
                        cells += 1
                        let shown = "\(context.name): \(cell.prefix(160))"
                        switch outcome {
                        case .timedOut:
                            Issue.record("no answer within \(Self.cellTimeout): \(shown)")
                        case .value:
                            outcomes["value", default: 0] += 1
                        case .error(let report):
                            outcomes[report.ename, default: 0] += 1
                            #expect(report.ename != "Error", "an error without a kind: \(report.evalue.prefix(300)) for \(shown)")
                            #expect(!report.evalue.isEmpty, "an error without words for \(shown)")
                        }
                        #expect(session.variable(named: "kept") == 1, "the binding was lost after \(shown)")
                        if !context.isSettled(context.kernel.interpreter.state) {
                            for setup in context.setup.dropLast() { await context.kernel.run(setup) }
                        }
                    }
                }
            }
        }
        #expect(cells > 1000)
        #expect(outcomes["ArgumentError", default: 0] > cells / 4, "\(outcomes)")
        #expect(outcomes["SyntaxError", default: 0] > 0 && outcomes["value", default: 0] > 0, "\(outcomes)")
    }

    // MARK: - Cells

    /// Where a value goes: `name=` of a parameter, or the positional argument.
    enum Slot: CustomStringConvertible {
        case named(String)
        case positional

        var description: String {
            switch self {
            case .named(let name): return "\(name)="
            case .positional: return "positional"
            }
        }
    }

    static func slots(of spec: CommandSpec) -> [Slot] {
        spec.parameters.map { .named($0.name) } + (spec.positional == nil ? [] : [.positional])
    }

    /// The command's first example (its own statement, not a pipeline) that runs in this context, else
    /// its first such example, else its bare name.
    static func baseline(for spec: CommandSpec, in context: Context) async -> String {
        let own = spec.examples.filter { example in
            guard case .pipeline(let pipeline)? = Parser.parse(example).statements.first,
                  pipeline.commands.count == 1, case .call(let verb, _, _, _) = pipeline.commands[0] else { return false }
            return verb == spec.name && !example.contains("\n") && !example.contains(";")
        }.map(confined)
        for example in own.prefix(4) {
            if case .value = await run(example, in: context.kernel) { return example }
        }
        return own.first ?? spec.name
    }

    /// Where the examples' relative output files go (`save hubs "hubs.feather"`), so that the sweep never
    /// writes into the checkout the tests run from.
    static let outputDirectory: String = {
        let path = NSTemporaryDirectory() + "registry-extremes-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// `example` with every quoted relative file name (no `/`, a file extension) moved into `outputDirectory`.
    static func confined(_ example: String) -> String {
        let pattern = /"([A-Za-z0-9_.-]+\.(?:csv|tsv|feather|arrow|arrows|png|json|gz))"/
        return example.replacing(pattern) { match in "\"\(outputDirectory)/\(match.1)\"" }
    }

    /// `baseline` with `slot` set to `value`: an argument already there is replaced in place, else added.
    static func cell(_ baseline: String, of spec: CommandSpec, slot: Slot, value: String) -> String {
        guard case .pipeline(let pipeline)? = Parser.parse(baseline).statements.first,
              case .call(_, _, let arguments, _) = pipeline.commands.first else { return baseline }
        let target: Argument?
        let replacement: String
        switch slot {
        case .named(let name):
            target = arguments.first { $0.name == name }
            replacement = "\(name)=\(value)"
        case .positional:
            target = arguments.first { argument in
                guard argument.name == nil else { return false }
                if case .name(let word, _) = argument.value, spec.keywords.contains(word) { return false }
                return true
            }
            replacement = value
        }
        guard let target else { return baseline + " " + replacement }
        let scalars = Array(baseline.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<target.range.start])
        view.append(contentsOf: replacement.unicodeScalars)
        view.append(contentsOf: scalars[target.range.end...])
        return String(view)
    }

    // MARK: - Running with a time limit

    enum Outcome: Sendable, CustomStringConvertible {
        case value(MimeBundle?)
        case error(ErrorReport)
        case timedOut

        var description: String {
            switch self {
            case .value(let bundle): return bundle?.text("text/plain") ?? "no value"
            case .error(let report): return "\(report.ename): \(report.evalue)"
            case .timedOut: return "timed out"
            }
        }
    }

    /// Runs a cell; gives up after `cellTimeout`, cancelling it, so a hang fails the test instead of stalling it.
    static func run(_ cell: String, in kernel: Kernel) async -> Outcome {
        let interpreter = kernel.interpreter
        let once = Once()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let finish: @Sendable (Outcome) -> Void = { outcome in
                if once.first() { continuation.resume(returning: outcome) }
            }
            let work = Task {
                let outcome = await interpreter.execute(ExecuteRequestInfo(code: cell), context: RecordingContext())
                once.cancelTimer()
                switch outcome {
                case .ok(let result, _): finish(.value(result))
                case .error(let report): finish(.error(report))
                }
            }
            once.setTimer(Task {
                do { try await Task.sleep(for: cellTimeout) } catch { return }
                work.cancel()
                finish(.timedOut)
            })
        }
    }

    /// Who answered first, the cell or the timer; and the timer, to stop it when the cell answers.
    final class Once: Sendable {
        private let state = Mutex<(done: Bool, timer: Task<Void, Never>?)>((false, nil))

        func first() -> Bool {
            state.withLock { state in
                defer { state.done = true }
                return !state.done
            }
        }

        func setTimer(_ timer: Task<Void, Never>) {
            let finished = state.withLock { state in
                state.timer = timer
                return state.done
            }
            if finished { timer.cancel() }
        }

        func cancelTimer() {
            state.withLock { $0.timer }?.cancel()
        }
    }
}
