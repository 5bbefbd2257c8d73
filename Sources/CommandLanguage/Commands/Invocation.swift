/// One call of a command: its arguments (already evaluated and checked against the spec) and where to write.
///
/// The value piped in from the left of `|` is the first positional argument.
public struct Invocation: Sendable {
    /// The verb as called.
    public let command: String
    public let positional: [Value]
    public let named: [String: Value]
    /// Declared keywords present as bare words, e.g. `at` in `segment at (1, 2, 3)`.
    public let keywords: Set<String>
    public let output: any CommandOutput
    /// The whole command in the cell, blamed when nothing more specific is known.
    public let range: SourceRange?
    /// Whether the first positional argument arrived through `|`.
    public let isPiped: Bool

    let positionalRanges: [SourceRange?]
    let namedRanges: [String: SourceRange]
    let positionalName: String
    let environment: Environment?
    /// The ranges the command's spec declares, by parameter name, and for its positional argument.
    let numberRanges: [String: NumberRange]
    let positionalRange: NumberRange?

    /// An invocation built by hand, to test a command without a session; with `spec`, its declared
    /// number ranges apply as they do in a session.
    public init(command: String, positional: [Value] = [], named: [String: Value] = [:], keywords: Set<String> = [],
                output: any CommandOutput, isPiped: Bool = false, spec: CommandSpec? = nil) {
        self.init(command: command, positional: positional, named: named, keywords: keywords, output: output,
                  range: nil, isPiped: isPiped, positionalRanges: [], namedRanges: [:],
                  positionalName: spec?.positional?.name ?? "VALUE", environment: nil, spec: spec)
    }

    init(command: String, positional: [Value], named: [String: Value], keywords: Set<String>,
         output: any CommandOutput, range: SourceRange?, isPiped: Bool, positionalRanges: [SourceRange?],
         namedRanges: [String: SourceRange], positionalName: String, environment: Environment?, spec: CommandSpec?) {
        self.command = command
        self.positional = positional
        self.named = named
        self.keywords = keywords
        self.output = output
        self.range = range
        self.isPiped = isPiped
        self.positionalRanges = positionalRanges
        self.namedRanges = namedRanges
        self.positionalName = positionalName
        self.environment = environment
        var ranges: [String: NumberRange] = [:]
        for parameter in spec?.parameters ?? [] { ranges[parameter.name] = parameter.range }
        self.numberRanges = ranges
        self.positionalRange = spec?.positional?.range
    }

    /// Whether `name=...` was given.
    public func has(_ name: String) -> Bool { named[name] != nil }

    public func hasKeyword(_ keyword: String) -> Bool { keywords.contains(keyword) }

    /// The value of `name=...`, if given.
    public func value(_ name: String) -> Value? { named[name] }

    /// The positional argument at `index`, if given.
    /// (`Optional.none`, not `nil`: `Value` is nil-literal expressible, so a bare `nil` here would be `Value.null`.)
    public func value(at index: Int) -> Value? {
        positional.indices.contains(index) ? positional[index] : Optional.none
    }

    /// Where `name=...` is in the cell, for errors a command raises about that argument.
    public func range(of name: String) -> SourceRange? { namedRanges[name] ?? range }

    /// Where positional argument `index` is in the cell.
    public func range(at index: Int) -> SourceRange? {
        (positionalRanges.indices.contains(index) ? positionalRanges[index] : nil) ?? range
    }

    /// An `ArgumentError` about `name=...`, pointing at it; for checks the typed accessors cannot make.
    public func argumentError(_ name: String, _ message: String, hint: String? = nil) -> EvaluationError {
        EvaluationError(.argumentError, message, hint: hint, range: range(of: name))
    }
}

/// What builtins such as `help` and `vars` see of the session.
struct Environment: Sendable {
    let registry: CommandRegistry
    let variables: VariableStore
}
