/// What completion knows of the stages piped into the command at the cursor, without running them:
/// `n | head 5 | where ‸` has the stages `n` and `head`, and `n` is a bound variable.
///
/// Commands with open parameter names (`where FIELD=…`) use it to offer the columns of the table
/// that will arrive; evaluating the pipeline would be neither cheap nor free of side effects.
public struct PipelineInput: Sendable {
    /// The value of the pipeline's first stage when that stage is a bare bound variable.
    public var source: Value?
    /// The command names of the stages before the cursor's, first to last (a variable stage is
    /// left out); empty when nothing is piped in.
    public var commands: [String]

    public init(source: Value? = nil, commands: [String] = []) {
        self.source = source
        self.commands = commands
    }

    /// Nothing piped in.
    public static let none = PipelineInput()
}
