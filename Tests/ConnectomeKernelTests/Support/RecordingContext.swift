import ConnectomeCore
import Foundation
import JSONModel
import JupyterProtocol
import Synchronization
import Testing
@testable import ConnectomeKernel

/// An `ExecutionContext` that remembers every stream, display, update and clear a cell publishes.
final class RecordingContext: ExecutionContext {
    enum Event: Equatable {
        case stream(StreamName, String)
        case display(MimeBundle, String?)
        case update(MimeBundle, String)
        case clear(Bool)
    }

    private let recorded = Mutex<[Event]>([])

    var events: [Event] { recorded.withLock { $0 } }

    var stdout: String {
        events.map { if case .stream(.stdout, let text) = $0 { return text } else { return "" } }.joined()
    }

    func stream(_ name: StreamName, _ text: String) { recorded.withLock { $0.append(.stream(name, text)) } }
    func display(_ bundle: MimeBundle, displayID: String?) { recorded.withLock { $0.append(.display(bundle, displayID)) } }
    func updateDisplay(_ bundle: MimeBundle, displayID: String) { recorded.withLock { $0.append(.update(bundle, displayID)) } }
    func clearOutput(wait: Bool) { recorded.withLock { $0.append(.clear(wait)) } }
    /// Answers for `input` prompts, in order, with the prompts asked; no answer left = stdin not allowed.
    let answers = Mutex<[String]>([])
    let prompts = Mutex<[(String, Bool)]>([])

    func requestInput(prompt: String, password: Bool) async throws -> String {
        prompts.withLock { $0.append((prompt, password)) }
        guard let answer = answers.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { throw InputError.notAllowed }
        return answer
    }
}

/// A kernel interpreter on a temporary sample directory, run cell by cell.
struct Kernel {
    let interpreter: ConnectomeInterpreter
    let context = RecordingContext()

    init(transport: (any HTTPTransport)? = nil, sampleDirectory: String? = nil, caveSecrets: CaveSecrets? = nil) {
        let directory = sampleDirectory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("scenecmd-tests-\(UUID().uuidString)").path
        // Never the user's own ~/.cloudvolume: a temporary folder unless a test gives one.
        let secrets = caveSecrets ?? CaveSecrets(directory: FileManager.default.temporaryDirectory
            .appendingPathComponent("cave-secrets-\(UUID().uuidString)").path)
        interpreter = ConnectomeInterpreter(environment: KernelEnvironment(transport: transport, sampleDirectory: directory,
                                                                           caveSecrets: secrets))
    }

    /// Runs a cell; returns its result bundle, or nil when it has none.
    @discardableResult
    func run(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) async -> MimeBundle? {
        switch await interpreter.execute(ExecuteRequestInfo(code: code), context: context) {
        case .ok(let result, _):
            return result
        case .error(let report):
            Issue.record("cell failed: \(report.ename): \(report.evalue)\n\(code.prefix(300))", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Runs a cell that must fail; returns its error.
    func failure(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) async -> ErrorReport? {
        switch await interpreter.execute(ExecuteRequestInfo(code: code), context: context) {
        case .ok:
            Issue.record("cell succeeded but should have failed: \(code.prefix(300))", sourceLocation: sourceLocation)
            return nil
        case .error(let report):
            return report
        }
    }
}

extension MimeBundle {
    func text(_ type: String) -> String? { data[type]?.stringValue }
}
