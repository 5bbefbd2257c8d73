import Synchronization
@testable import CommandLanguage

/// A `CommandOutput` that remembers everything written to it, and answers `input` from a script.
final class RecordingOutput: CommandOutput {
    enum Event: Equatable {
        case print(String)
        case printError(String)
        case show(Value, String?)
        case update(Value, String)
    }

    private let state = Mutex<(events: [Event], answers: [String])>(([], []))

    init(answers: [String] = []) {
        state.withLock { $0.answers = answers }
    }

    var events: [Event] { state.withLock { $0.events } }

    /// Everything printed to stdout, concatenated.
    var printed: String {
        events.map { if case .print(let text) = $0 { return text } else { return "" } }.joined()
    }

    var shown: [Value] {
        events.compactMap { if case .show(let value, _) = $0 { return value } else { return nil } }
    }

    func print(_ text: String) { state.withLock { $0.events.append(.print(text)) } }
    func printError(_ text: String) { state.withLock { $0.events.append(.printError(text)) } }
    func show(_ value: Value, displayID: String?) { state.withLock { $0.events.append(.show(value, displayID)) } }
    func update(_ value: Value, displayID: String) { state.withLock { $0.events.append(.update(value, displayID)) } }

    func input(prompt: String, password: Bool) async throws -> String {
        try state.withLock { state in
            guard !state.answers.isEmpty else { throw EvaluationError(.valueError, "no scripted answer for '\(prompt)'") }
            return state.answers.removeFirst()
        }
    }
}

/// Runs a cell and returns its value, failing the test on an error.
func value(of cell: String, in session: Session = Session(), output: RecordingOutput = RecordingOutput(),
           sourceLocation: SourceLocation = #_sourceLocation) async -> Value? {
    switch await session.run(cell, output: output) {
    case .value(let value): return value
    case .failure(let error):
        Issue.record("cell failed: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Runs a cell that must fail and returns the error.
func failure(of cell: String, in session: Session = Session(), output: RecordingOutput = RecordingOutput(),
             sourceLocation: SourceLocation = #_sourceLocation) async -> CellError? {
    switch await session.run(cell, output: output) {
    case .value(let value):
        Issue.record("cell succeeded with \(value?.plainText ?? "no value")", sourceLocation: sourceLocation)
        return nil
    case .failure(let error): return error
    }
}

import Testing
