/// Everything the language knows about a command: how to call it, how to help with it, how to run it.
///
/// Builtins and domain commands are registered the same way, so `help`, completion, inspection and
/// argument checking work alike for all of them.
public struct CommandSpec: Sendable {
    public var name: String
    /// One line, shown in `help` and completion.
    public var summary: String
    /// Longer help text, shown by `help VERB` and detailed inspection.
    public var details: String
    public var parameters: [ParameterSpec]
    public var positional: PositionalSpec?
    /// Bare words the command reads as its own (`segment at ...`, `valid root ...`, `cache clear`):
    /// a bare name argument equal to one of them arrives in `Invocation.keywords`, not as a variable.
    public var keywords: [String]
    public var examples: [String]
    /// A hand-written call shape for help, when the generated `usage` does not say it well
    /// (`let NAME = VALUE`, or a command with several forms).
    public var synopsis: String?
    /// How any `name=value` not in `parameters` is read, for commands whose names are open
    /// (`neurons cell_class="…"` takes the table's field names); nil: such a name is an error.
    /// The command itself checks the names it was given.
    public var otherParameters: ParameterSpec?
    /// Names completion offers for `otherParameters` (a table's columns, when known), given what is
    /// piped into the command; cheap, never blocking.
    public var otherParameterNames: (@Sendable (PipelineInput) -> [String])?
    /// Runs the command; nil means "no value" (like `print`).
    public var run: @Sendable (Invocation) async throws -> Value?

    public init(name: String, summary: String, details: String = "", parameters: [ParameterSpec] = [],
                positional: PositionalSpec? = nil, keywords: [String] = [], examples: [String] = [],
                synopsis: String? = nil, otherParameters: ParameterSpec? = nil,
                otherParameterNames: (@Sendable (PipelineInput) -> [String])? = nil, run: @escaping @Sendable (Invocation) async throws -> Value?) {
        self.name = name
        self.summary = summary
        self.details = details
        self.parameters = parameters
        self.positional = positional
        self.keywords = keywords
        self.examples = examples
        self.synopsis = synopsis
        self.otherParameters = otherParameters
        self.otherParameterNames = otherParameterNames
        self.run = run
    }

    public func parameter(named name: String) -> ParameterSpec? {
        parameters.first { $0.name == name }
    }

    /// `slice x=X y=Y z=Z [size=N]`: the call shape, for help and error hints.
    public var usage: String {
        var parts = [name]
        if !keywords.isEmpty { parts.append(keywords.joined(separator: "|")) }
        if let positional {
            let shown = positional.variadic ? "\(positional.name)..." : positional.name
            parts.append(positional.required ? shown : "[\(shown)]")
        }
        for parameter in parameters {
            let shown = "\(parameter.name)=\(parameter.placeholder)"
            parts.append(parameter.required ? shown : "[\(shown)]")
        }
        return parts.joined(separator: " ")
    }
}

/// A named parameter, written `name=value`.
public struct ParameterSpec: Sendable {
    public var name: String
    public var type: ParameterType
    public var required: Bool
    /// The default as shown in help ("1000"); the command applies it itself.
    public var defaultText: String?
    public var help: String
    /// Values offered by completion (layer names, encodings); not enforced. A bare name equal to
    /// one arrives as that string (`layer=segmentation`), even if a variable has that name.
    public var choices: [String]
    /// The numbers it accepts (every number inside a list or vector too): shown in help and checked
    /// before the command runs. Every integer or number parameter declares one.
    public var range: NumberRange?

    public init(_ name: String, _ type: ParameterType, required: Bool = false, default defaultText: String? = nil,
                range: NumberRange? = nil, help: String, choices: [String] = []) {
        self.name = name
        self.type = type
        self.required = required
        self.defaultText = defaultText
        self.range = range
        self.help = help
        self.choices = choices
    }

    public init(_ name: String, _ type: ParameterType, required: Bool = false, default defaultText: String? = nil,
                range: ClosedRange<Int>, help: String, choices: [String] = []) {
        self.init(name, type, required: required, default: defaultText, range: NumberRange(range), help: help,
                  choices: choices)
    }

    /// `N` for an integer named `size`, `X` for `x`: the value's stand-in in usage lines.
    var placeholder: String {
        name.count == 1 ? name.uppercased() : type.placeholder
    }
}

/// The positional argument(s) of a command, e.g. `SECONDS` of `sleep` or `NAME` of `dataset`.
public struct PositionalSpec: Sendable {
    /// How a bare name in positional place reads when it is neither a keyword nor a choice.
    public enum BareWords: Sendable, Equatable {
        /// As a variable (the default): `show x` shows the variable `x`.
        case variables
        /// As its own text: `help slice` passes "slice"; completion offers command names.
        case commandNames
    }

    public var name: String
    public var type: ParameterType
    public var help: String
    public var variadic: Bool
    public var required: Bool
    /// Words offered by completion (`sample`, `crant`); a bare name equal to one arrives as that string.
    public var choices: [String]
    public var bareWords: BareWords
    /// The numbers it accepts (every number inside a list or vector too), as for `ParameterSpec.range`.
    public var range: NumberRange?

    public init(_ name: String, _ type: ParameterType = .any, help: String, variadic: Bool = false,
                required: Bool = false, choices: [String] = [], bareWords: BareWords = .variables,
                range: NumberRange? = nil) {
        self.name = name
        self.type = type
        self.help = help
        self.variadic = variadic
        self.required = required
        self.choices = choices
        self.bareWords = bareWords
        self.range = range
    }
}

/// The type of a parameter as help describes it; the common ones are also checked before a command runs.
public struct ParameterType: Sendable, Hashable, CustomStringConvertible {
    public var name: String

    public init(_ name: String) { self.name = name }

    public static let integer = ParameterType("integer")
    public static let number = ParameterType("number")
    public static let string = ParameterType("string")
    public static let bool = ParameterType("bool")
    /// An integer, a list of integers, a string of integers, or a value holding IDs (checked by the command).
    public static let ids = ParameterType("IDs")
    public static let vector = ParameterType("vector")
    public static let list = ParameterType("list")
    public static let record = ParameterType("record")
    public static let any = ParameterType("any")

    public var description: String { name }

    /// Whether `value` fits; nil when the command checks it itself (IDs, any, domain types).
    public func accepts(_ value: Value) -> Bool? {
        switch self {
        case .integer: return value.asInt128 != nil
        case .number: return value.asDouble != nil
        case .string: return value.asString != nil
        case .bool: return value.asBool != nil
        case .vector: return value.asList != nil
        case .list: return value.asList != nil
        case .record: return value.asRecord != nil
        default: return nil
        }
    }

    /// "an integer", "a string": for "expects ..." messages.
    public var withArticle: String {
        let first = name.first.map { "aeiouAEIOU".contains($0) } ?? false
        return (first ? "an " : "a ") + name
    }

    /// An example value, for "write it like size=1000" hints.
    var example: String? {
        switch self {
        case .integer: return "42"
        case .number: return "1.5"
        case .string: return "\"text\""
        case .bool: return "true"
        case .vector: return "(1, 2, 3)"
        case .list: return "[1, 2]"
        case .record: return "{key: 1}"
        case .ids: return "[720575940621039145, 720575940621039146]"
        default: return nil
        }
    }

    var placeholder: String {
        switch self {
        case .integer: return "N"
        case .number: return "NUMBER"
        case .string: return "TEXT"
        case .bool: return "true|false"
        case .ids: return "IDS"
        default: return name.uppercased()
        }
    }
}
