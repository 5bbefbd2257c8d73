/// The interpreter state of one kernel: variables and commands, and the entry points the kernel calls.
///
/// A final class with locked state rather than an actor: completion, inspection and `isComplete`
/// are synchronous in the kernel's `Interpreter` seam and must answer while a cell is running.
public final class Session: Sendable {
    public let registry: CommandRegistry
    let store = VariableStore()

    /// A session over `registry`, with the builtins (`let`, `print`, `show`, `help`, `vars`, `sleep`)
    /// registered into it unless `builtins` is false.
    public init(registry: CommandRegistry = CommandRegistry(), builtins: Bool = true) {
        self.registry = registry
        if builtins { registry.register(Builtins.all) }
    }

    /// Adds a command (builtins and domain commands alike).
    public func register(_ spec: CommandSpec) {
        registry.register(spec)
    }

    // MARK: Variables

    /// Every variable in the order first bound.
    public var variables: [(name: String, value: Value)] { store.all }

    public func variable(named name: String) -> Value? { store.value(name) }

    public func bind(name: String, value: Value) { store.bind(name, value) }

    public func unbind(name: String) { store.remove(name) }

    // MARK: Running

    /// Runs a cell: every statement in order; the value of the last is the cell's value.
    ///
    /// A syntax error anywhere stops the cell before anything runs. A runtime error stops it at that
    /// statement, keeping the bindings made before it (also earlier `let`s in the same cell).
    public func run(_ cell: String, output: any CommandOutput) async -> CellOutcome {
        let tree = Parser.parse(cell)
        if let diagnostic = tree.diagnostics.first {
            return .failure(CellError(diagnostic, range: diagnostic.range, source: tree.source))
        }
        let evaluator = Evaluator(session: self, output: output)
        var last: Value?
        for statement in tree.statements {
            do {
                try Task.checkCancellation()
                last = try await evaluator.run(statement)
            } catch {
                return .failure(Self.cellError(error, statement: statement, source: tree.source))
            }
        }
        return .value(last)
    }

    /// Evaluates one expression or pipeline for Jupyter's `user_expressions`; it may not bind variables.
    public func evaluate(expression: String, output: any CommandOutput = DiscardingOutput()) async -> CellOutcome {
        let tree = Parser.parse(expression)
        if let diagnostic = tree.diagnostics.first {
            return .failure(CellError(diagnostic, range: diagnostic.range, source: tree.source))
        }
        guard tree.statements.count == 1, case .pipeline = tree.statements[0] else {
            let range = SourceRange(start: 0, end: tree.source.count)
            let error = EvaluationError(.valueError, "a user expression must be a single expression or pipeline",
                                        hint: "Bind variables in the cell itself", range: range)
            return .failure(CellError(error, range: range, source: tree.source))
        }
        let evaluator = Evaluator(session: self, output: output)
        do {
            return .value(try await evaluator.run(tree.statements[0]))
        } catch {
            return .failure(Self.cellError(error, statement: tree.statements[0], source: tree.source))
        }
    }

    private static func cellError(_ error: any Error, statement: Statement, source: SourceText) -> CellError {
        var underlying = error
        var range = statement.range
        if let located = error as? LocatedError {
            underlying = located.error
            range = located.range
        } else if let evaluation = error as? EvaluationError, let blamed = evaluation.range {
            range = blamed
        }
        if Task.isCancelled && !(underlying is EvaluationError) {
            underlying = CancellationError()
        }
        return CellError(underlying, range: range, source: source)
    }
}

/// An error thrown by a command, with the command's place in the cell.
struct LocatedError: Error {
    var error: any Error
    var range: SourceRange
}
