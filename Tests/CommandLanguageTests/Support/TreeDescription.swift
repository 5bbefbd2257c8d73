@testable import CommandLanguage

/// A compact S-expression of a syntax tree, so parser tests can compare shapes in one string.
func shape(_ source: String) -> String {
    let tree = Parser.parse(source)
    return tree.statements.map(shape).joined(separator: " ")
}

func shape(_ statement: Statement) -> String {
    switch statement {
    case .binding(let name, _, let pipeline, _): return "(let \(name) \(shape(pipeline)))"
    case .pipeline(let pipeline): return shape(pipeline)
    }
}

func shape(_ pipeline: Pipeline) -> String {
    pipeline.commands.count == 1
        ? shape(pipeline.commands[0])
        : "(pipe " + pipeline.commands.map(shape).joined(separator: " ") + ")"
}

func shape(_ command: Command) -> String {
    switch command {
    case .call(let verb, _, let arguments, _):
        return "(call " + ([verb] + arguments.map(shape)).joined(separator: " ") + ")"
    case .expression(let expression): return shape(expression)
    }
}

func shape(_ argument: Argument) -> String {
    argument.name.map { "\($0)=\(shape(argument.value))" } ?? shape(argument.value)
}

func shape(_ expression: Expression) -> String {
    switch expression {
    case .literal(let value, _):
        if case .float(let number) = value { return "\(number)f" }
        return value.nestedText
    case .name(let name, _): return "$\(name)"
    case .list(let elements, _): return "[" + elements.map(shape).joined(separator: " ") + "]"
    case .vector(let elements, _): return "(vec " + elements.map(shape).joined(separator: " ") + ")"
    case .record(let entries, _): return "{" + entries.map { "\($0.key): \(shape($0.value))" }.joined(separator: ", ") + "}"
    case .parenthesized(let pipeline, _): return "(paren \(shape(pipeline)))"
    case .invalid: return "<invalid>"
    }
}
