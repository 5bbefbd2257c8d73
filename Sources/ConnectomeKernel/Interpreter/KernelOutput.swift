import CommandLanguage
import JupyterProtocol

/// Carries a command's output to the cell that ran it: text to stream, values through the
/// display mapper to display_data / update_display_data, questions to stdin.
final class KernelOutput: CommandOutput, Sendable {
    let context: any ExecutionContext
    /// `silent` requests publish nothing (the protocol says so); the command still runs.
    let silent: Bool

    init(context: any ExecutionContext, silent: Bool) {
        self.context = context
        self.silent = silent
    }

    func print(_ text: String) {
        guard !silent else { return }
        context.stream(.stdout, text.hasSuffix("\n") ? text : text + "\n")
    }

    func printError(_ text: String) {
        guard !silent else { return }
        context.stream(.stderr, text.hasSuffix("\n") ? text : text + "\n")
    }

    func show(_ value: Value, displayID: String?) {
        guard !silent else { return }
        context.display(DisplayMapper.bundle(for: value), displayID: displayID)
    }

    func update(_ value: Value, displayID: String) {
        guard !silent else { return }
        context.updateDisplay(DisplayMapper.bundle(for: value), displayID: displayID)
    }

    func input(prompt: String, password: Bool) async throws -> String {
        try await context.requestInput(prompt: prompt, password: password)
    }

    /// `clear_output`, for the `clear` command.
    func clear(wait: Bool) {
        guard !silent else { return }
        context.clearOutput(wait: wait)
    }
}
