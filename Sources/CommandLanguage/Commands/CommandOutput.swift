/// Where a running command writes: the kernel implements it by publishing on IOPub
/// (display mapping lives in the kernel, not in the language).
public protocol CommandOutput: Sendable {
    /// Text to stdout, as given (`print` adds its own newline).
    func print(_ text: String)
    /// Text to stderr.
    func printError(_ text: String)
    /// Displays a value now; with a `displayID` it can be replaced later by `update`.
    func show(_ value: Value, displayID: String?)
    /// Replaces every display shown with `displayID`.
    func update(_ value: Value, displayID: String)
    /// Asks the user for a line of text.
    func input(prompt: String, password: Bool) async throws -> String
}

/// Output that goes nowhere, for `user_expressions` and other side-effect-free evaluation.
public struct DiscardingOutput: CommandOutput {
    public init() {}
    public func print(_ text: String) {}
    public func printError(_ text: String) {}
    public func show(_ value: Value, displayID: String?) {}
    public func update(_ value: Value, displayID: String) {}
    public func input(prompt: String, password: Bool) async throws -> String {
        throw EvaluationError(.valueError, "input is not available here")
    }
}
