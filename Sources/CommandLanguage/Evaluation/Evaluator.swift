/// Evaluates the statements of one cell against a session.
struct Evaluator {
    let session: Session
    let output: any CommandOutput

    init(session: Session, output: any CommandOutput) {
        self.session = session
        self.output = output
    }

    private var registry: CommandRegistry { session.registry }
    private var store: VariableStore { session.store }

    /// Runs one statement; a binding is made at once, so a later error keeps it.
    func run(_ statement: Statement) async throws -> Value? {
        switch statement {
        case .binding(let name, _, let pipeline, _):
            guard let value = try await evaluate(pipeline) else {
                throw EvaluationError(.typeError, "\(Self.describeProducer(pipeline)) gives no value to bind to '\(name)'",
                                      hint: "Bind the value of an expression or of a command that returns one",
                                      range: pipeline.range)
            }
            store.bind(name, value)
            return nil
        case .pipeline(let pipeline):
            return try await evaluate(pipeline)
        }
    }

    // MARK: Pipelines and commands

    private func evaluate(_ pipeline: Pipeline) async throws -> Value? {
        var value: Value?
        for (index, command) in pipeline.commands.enumerated() {
            guard index > 0 else {
                value = try await evaluate(command, piped: nil)
                continue
            }
            let left = SourceRange(start: pipeline.range.start, end: pipeline.commands[index - 1].range.end)
            guard let input = value else {
                let producer = Self.describeProducer(Pipeline(commands: [pipeline.commands[index - 1]], range: left))
                throw EvaluationError(.typeError, "\(producer) gives no value to pipe into the next command",
                                      hint: "Pipe only commands that return a value", range: pipeline.commands[index - 1].range)
            }
            value = try await evaluate(command, piped: (input, left))
        }
        return value
    }

    private func evaluate(_ command: Command, piped: (value: Value, range: SourceRange)?) async throws -> Value? {
        switch command {
        case .expression(let expression):
            if piped != nil {
                throw EvaluationError(.typeError, "the right side of '|' must be a command, not a value",
                                      hint: "Write a command after '|', e.g. value | show", range: expression.range)
            }
            return try await evaluate(expression)
        case .call(let verb, let verbRange, let arguments, let range):
            if let spec = registry.spec(named: verb) {
                // A bare name alone that could only be a failing call (the command needs an argument)
                // is the variable of that name: `let ids = …` then `ids` shows it, `ids | scene` pipes it.
                if arguments.isEmpty, piped == nil, spec.positional?.required == true, let value = store.value(verb) {
                    return value
                }
                return try await call(spec, arguments: arguments, piped: piped, verbRange: verbRange, range: range)
            }
            if let value = store.value(verb) {
                if piped != nil {
                    throw EvaluationError(.typeError, "'\(verb)' is a variable, not a command; only a command can take a value from '|'",
                                          hint: "Type help to list commands", range: verbRange)
                }
                if !arguments.isEmpty {
                    throw EvaluationError(.typeError, "'\(verb)' is a variable, not a command, so it takes no arguments",
                                          hint: "Put each statement on its own line or separate them with ';'",
                                          range: arguments[0].range)
                }
                return value
            }
            if arguments.isEmpty && piped == nil {
                let suggestion = Suggestion.didYouMean(verb, among: registry.names + store.names)
                throw EvaluationError(.nameError, "unknown command or variable '\(verb)'\(suggestion)",
                                      hint: suggestion.isEmpty ? "Type help to list commands, vars to list variables" : nil,
                                      range: verbRange)
            }
            let suggestion = Suggestion.didYouMean(verb, among: registry.names)
            throw EvaluationError(.nameError, "unknown command '\(verb)'\(suggestion)",
                                  hint: suggestion.isEmpty ? "Type help to list commands" : nil, range: verbRange)
        }
    }

    // MARK: Expressions

    private func evaluate(_ expression: Expression) async throws -> Value {
        switch expression {
        case .literal(let value, _):
            return value
        case .name(let name, let range):
            if let value = store.value(name) { return value }
            if registry.contains(name) {
                throw EvaluationError(.nameError, "'\(name)' is a command, not a variable",
                                      hint: "To use its value here, write (\(name))", range: range)
            }
            throw unknownVariable(name, range: range, extraCandidates: [])
        case .list(let elements, let range):
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try await evaluate(element)) }
            return try checkNesting(.list(values), range: range)
        case .vector(let elements, let range):
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try await evaluate(element)) }
            return try checkNesting(.vector(values), range: range)
        case .record(let entries, let range):
            var values: [Record.Entry] = []
            values.reserveCapacity(entries.count)
            for entry in entries { values.append(Record.Entry(key: entry.key, value: try await evaluate(entry.value))) }
            return try checkNesting(.record(Record(values)), range: range)
        case .parenthesized(let pipeline, _):
            return try await evaluate(pipeline) ?? .null
        case .invalid(let range):
            throw EvaluationError(.valueError, "this part of the cell could not be read", range: range)
        }
    }

    /// A list, vector or record built from variables may nest deeper than its brackets; past
    /// `Value.maxNesting` it is refused before anything renders, compares or releases it.
    private func checkNesting(_ value: Value, range: SourceRange) throws -> Value {
        let depth = value.nestingDepth
        guard depth > Value.maxNesting else { return value }
        throw EvaluationError(.valueError,
                              "this \(value.kindName) would nest \(depth) levels deep; values nest at most \(Value.maxNesting) levels",
                              hint: "Keep lists flat, e.g. [a, b] rather than [[a], [b]] built again and again",
                              range: range)
    }

    private func unknownVariable(_ name: String, range: SourceRange, extraCandidates: [String]) -> EvaluationError {
        let suggestion = Suggestion.didYouMean(name, among: store.names + extraCandidates)
        return EvaluationError(.nameError, "unknown variable '\(name)'\(suggestion)",
                               hint: suggestion.isEmpty ? "Bind it first with: let \(name) = ..." : nil, range: range)
    }

    // MARK: Calls

    /// Checks the arguments against the spec (names, types, counts), then runs the command.
    private func call(_ spec: CommandSpec, arguments: [Argument], piped: (value: Value, range: SourceRange)?,
                      verbRange: SourceRange, range: SourceRange) async throws -> Value? {
        var positional: [Value] = []
        var positionalRanges: [SourceRange?] = []
        var named: [String: Value] = [:]
        var namedRanges: [String: SourceRange] = [:]
        var keywords: Set<String> = []
        if let piped {
            positional.append(piped.value)
            positionalRanges.append(piped.range)
        }
        for argument in arguments {
            if let name = argument.name {
                let nameRange = argument.nameRange ?? argument.range
                guard let parameter = spec.parameter(named: name) ?? spec.otherParameters else {
                    throw unknownParameter(name, of: spec, range: nameRange)
                }
                guard named[name] == nil else {
                    throw EvaluationError(.argumentError, "parameter '\(name)' of '\(spec.name)' is given twice",
                                          hint: "Keep one \(name)=...", range: nameRange)
                }
                let value = try await evaluate(argument.value, choices: parameter.choices, parameter: parameter.name)
                if parameter.type.accepts(value) == false {
                    throw EvaluationError.wrongType(parameter: "parameter '\(name)'", command: spec.name,
                                                    expected: parameter.type, got: value,
                                                    example: parameter.type.example.map { "\(name)=\($0)" },
                                                    range: argument.range)
                }
                if let allowed = parameter.range, let outside = allowed.firstOutside(in: value) {
                    throw EvaluationError.outOfRange(name, given: "\(name)=\(value.briefText)",
                                                     inside: outside == value ? Optional.none : outside, command: spec.name,
                                                     range: allowed, at: argument.range)
                }
                named[name] = value
                namedRanges[name] = argument.range
            } else if case .name(let word, _) = argument.value, spec.keywords.contains(word) {
                keywords.insert(word)
            } else {
                positional.append(try await evaluatePositional(argument.value, spec: spec))
                positionalRanges.append(argument.range)
            }
        }
        try checkPositional(positional, ranges: positionalRanges, piped: piped != nil, spec: spec, range: range)
        for parameter in spec.parameters where parameter.required && named[parameter.name] == nil {
            throw EvaluationError.missingParameter(parameter.name, type: parameter.type, command: spec.name, range: range)
        }
        let invocation = Invocation(command: spec.name, positional: positional, named: named, keywords: keywords,
                                    output: output, range: range, isPiped: piped != nil,
                                    positionalRanges: positionalRanges, namedRanges: namedRanges,
                                    positionalName: spec.positional?.name ?? "VALUE",
                                    environment: Environment(registry: registry, variables: store), spec: spec)
        try Task.checkCancellation()
        do {
            return try await spec.run(invocation)
        } catch var error as EvaluationError {
            if error.range == nil { error.range = range }
            throw error
        } catch {
            throw LocatedError(error: error, range: range)
        }
    }

    /// A bare name in positional place: a declared choice reads as its text, a command name reads as
    /// its text where the command asks for command names, anything else as a variable.
    private func evaluatePositional(_ expression: Expression, spec: CommandSpec) async throws -> Value {
        guard case .name(let word, let range) = expression, let positional = spec.positional else {
            return try await evaluate(expression)
        }
        if positional.choices.contains(word) { return .string(word) }
        if positional.bareWords == .commandNames { return .string(word) }
        if store.value(word) == nil && !registry.contains(word) {
            if !positional.choices.isEmpty { throw notAChoice(word, of: positional.name, choices: positional.choices, range: range) }
            throw unknownVariable(word, range: range, extraCandidates: spec.keywords + positional.choices)
        }
        return try await evaluate(expression)
    }

    private func evaluate(_ expression: Expression, choices: [String], parameter: String) async throws -> Value {
        if case .name(let word, let range) = expression {
            if choices.contains(word) { return .string(word) }
            if !choices.isEmpty, store.value(word) == nil {
                throw notAChoice(word, of: parameter, choices: choices, range: range)
            }
        }
        return try await evaluate(expression)
    }

    /// A bare word where the command lists the words it knows: more helpful than "unknown variable".
    private func notAChoice(_ word: String, of parameter: String, choices: [String], range: SourceRange) -> EvaluationError {
        let suggestion = Suggestion.didYouMean(word, among: choices)
        let listed = choices.map { "'\($0)'" }.joined(separator: ", ")
        return EvaluationError(.argumentError, "'\(word)' is not one of the words \(parameter) takes (\(listed))\(suggestion)",
                               hint: "other values are written in quotes, or bound first with let", range: range)
    }

    private func checkPositional(_ values: [Value], ranges: [SourceRange?], piped: Bool, spec: CommandSpec,
                                 range: SourceRange) throws {
        guard let positional = spec.positional else {
            guard values.isEmpty else {
                let message = piped
                    ? "cannot pipe a value into '\(spec.name)': it takes no positional argument"
                    : "'\(spec.name)' takes no positional argument"
                throw EvaluationError(.argumentError, message, hint: "Usage: \(spec.usage)",
                                      range: ranges.first.flatMap { $0 } ?? range)
            }
            return
        }
        if values.isEmpty && positional.required {
            throw EvaluationError(.argumentError,
                                  "'\(spec.name)' needs \(positional.name) (\(positional.type.withArticle))",
                                  hint: "Usage: \(spec.usage)", range: range)
        }
        if values.count > 1 && !positional.variadic {
            throw EvaluationError(.argumentError,
                                  "'\(spec.name)' takes one \(positional.name) argument, got \(values.count)",
                                  hint: "Usage: \(spec.usage)", range: ranges[1] ?? range)
        }
        for (index, value) in values.enumerated() where positional.type.accepts(value) == false {
            throw EvaluationError.wrongType(parameter: "argument \(positional.name)", command: spec.name,
                                            expected: positional.type, got: value,
                                            example: positional.type.example.map { "\(spec.name) \($0)" },
                                            range: ranges[index] ?? range)
        }
        guard let allowed = positional.range else { return }
        for (index, value) in values.enumerated() {
            guard let outside = allowed.firstOutside(in: value) else { continue }
            throw EvaluationError.outOfRange(positional.name, given: "\(positional.name) \(value.briefText)",
                                             inside: outside == value ? Optional.none : outside, command: spec.name,
                                             range: allowed, at: ranges[index] ?? range)
        }
    }

    private func unknownParameter(_ name: String, of spec: CommandSpec, range: SourceRange) -> EvaluationError {
        let valid = spec.parameters.map(\.name)
        guard !valid.isEmpty else {
            return EvaluationError(.argumentError, "'\(spec.name)' takes no named parameters, got '\(name)'",
                                   hint: "Usage: \(spec.usage)", range: range)
        }
        let suggestion = Suggestion.didYouMean(name, among: valid)
        return EvaluationError(.argumentError, "unknown parameter '\(name)' for '\(spec.name)'\(suggestion)",
                               hint: "Valid parameters: \(valid.joined(separator: ", "))", range: range)
    }

    /// "'print'" for a command that returned nothing; "this value" otherwise.
    private static func describeProducer(_ pipeline: Pipeline) -> String {
        if case .call(let verb, _, _, _) = pipeline.commands.last { return "'\(verb)'" }
        return "this value"
    }
}
