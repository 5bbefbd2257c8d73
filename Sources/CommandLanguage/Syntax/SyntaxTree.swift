/// The parsed form of a cell: statements in order, plus every diagnostic found on the way.
struct SyntaxTree: Sendable {
    var source: SourceText
    var statements: [Statement]
    var diagnostics: [Diagnostic]
    /// Brackets left open at the end of the text (drives the indent of an incomplete cell).
    var openBracketDepth: Int
    var endsInsideString: Bool
}

/// `let NAME = pipeline` or a pipeline.
enum Statement: Sendable {
    case binding(name: String, nameRange: SourceRange, value: Pipeline, range: SourceRange)
    case pipeline(Pipeline)

    var range: SourceRange {
        switch self {
        case .binding(_, _, _, let range): return range
        case .pipeline(let pipeline): return pipeline.range
        }
    }
}

/// Commands joined by `|`: each command's value becomes the first positional argument of the next.
struct Pipeline: Sendable {
    var commands: [Command]
    var range: SourceRange
}

/// `VERB argument*` or a bare expression.
///
/// Whether a leading name is a verb or a variable is decided at evaluation time against the registry:
/// the parser only records that the command starts with a name.
enum Command: Sendable {
    case call(verb: String, verbRange: SourceRange, arguments: [Argument], range: SourceRange)
    case expression(Expression)

    var range: SourceRange {
        switch self {
        case .call(_, _, _, let range): return range
        case .expression(let expression): return expression.range
        }
    }
}

/// `NAME = expression` (named) or an expression (positional).
struct Argument: Sendable {
    var name: String?
    var nameRange: SourceRange?
    var value: Expression
    var range: SourceRange
}

indirect enum Expression: Sendable {
    case literal(Value, SourceRange)
    case name(String, SourceRange)
    case list([Expression], SourceRange)
    case vector([Expression], SourceRange)
    case record([RecordEntry], SourceRange)
    case parenthesized(Pipeline, SourceRange)
    /// Text already reported as a syntax error.
    case invalid(SourceRange)

    var range: SourceRange {
        switch self {
        case .literal(_, let range), .name(_, let range), .list(_, let range), .vector(_, let range),
             .record(_, let range), .parenthesized(_, let range), .invalid(let range):
            return range
        }
    }
}

struct RecordEntry: Sendable {
    var key: String
    var keyRange: SourceRange
    var value: Expression
}
