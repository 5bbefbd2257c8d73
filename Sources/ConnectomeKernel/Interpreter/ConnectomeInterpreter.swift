import CommandLanguage
import ConnectomeCore
import JSONModel
import JupyterProtocol

/// The kernel's interpreter: the command language with the connectome commands registered,
/// joined to the Jupyter kernel core. This is the only type that sees all three worlds.
public final class ConnectomeInterpreter: Interpreter, Sendable {
    let session: Session
    let state: KernelState

    public init(environment: KernelEnvironment) {
        let registry = CommandRegistry()
        let state = KernelState(environment: environment)
        KernelCommands.register(into: registry, state: state)
        // Commands run on the cell's own task; the code that spreads work over the cores asks for the
        // worker pool itself (`WorkerPool.withChildTasks`, `ParallelWork`).
        self.session = Session(registry: registry)
        self.state = state
    }

    /// Highlighting borrows LiveScript's, the closest existing mode and lexer to how the language
    /// is written (LANGUAGE.md): `#` comments to the end of the line, strings in either quote with
    /// backslash escapes, `true`/`false`/`null` as constants, integers with `_` separators.
    /// JupyterLab ships the CodeMirror mode and nbconvert has the Pygments lexer, so cells are
    /// coloured in the editor and in exported notebooks without a mode of our own.
    static let highlighting = (codemirrorMode: "livescript", pygmentsLexer: "livescript")

    public var languageInfo: LanguageInfo {
        LanguageInfo(
            name: "connectome",
            version: KernelVersion.language,
            mimetype: "text/x-connectome",
            fileExtension: ".cq",
            pygmentsLexer: Self.highlighting.pygmentsLexer,
            codemirrorMode: Self.highlighting.codemirrorMode,
            banner: "Connectome \(KernelVersion.implementation): EM slices, neurons and neuroglancer scenes. Type `help` for the commands.",
            helpLinks: [
                ("Neuroglancer precomputed format", "https://github.com/google/neuroglancer/blob/master/src/datasource/precomputed/volume.md"),
                ("CATMAID tile sources", "https://catmaid.readthedocs.io/en/stable/tile_sources.html"),
            ],
            implementation: "connectome-kernel",
            implementationVersion: KernelVersion.implementation)
    }

    public func execute(_ request: ExecuteRequestInfo, context: any ExecutionContext) async -> ExecuteOutcome {
        let output = KernelOutput(context: context, silent: request.silent)
        let outcome = await session.run(request.code, output: output)
        defer { state.environment.idleTrim?.cellEnded() }
        var expressions: [String: UserExpressionResult] = [:]
        for (name, expression) in request.userExpressions {
            switch await session.evaluate(expression: expression, output: output) {
            case .value(let value):
                expressions[name] = .ok(DisplayMapper.bundle(for: value ?? .null))
            case .failure(let error):
                expressions[name] = .error(ErrorAdapter.report(error))
            }
        }
        switch outcome {
        case .value(let value):
            let bundle = request.silent ? nil : value.map(DisplayMapper.bundle(for:))
            return .ok(result: bundle, userExpressions: expressions)
        case .failure(let error):
            return .error(ErrorAdapter.report(error))
        }
    }

    public func complete(code: String, cursorPosition: Int) -> CompletionResult {
        let completion = session.complete(code, cursor: cursorPosition)
        return CompletionResult(matches: completion.matches, cursorStart: completion.start,
                                cursorEnd: completion.end, types: completion.kinds)
    }

    public func inspect(code: String, cursorPosition: Int, detailLevel: Int) -> MimeBundle? {
        guard let text = session.inspect(code, cursor: cursorPosition, detailLevel: detailLevel) else { return nil }
        return .plainText(text)
    }

    public func isComplete(code: String) -> JupyterProtocol.Completeness {
        switch session.isComplete(code) {
        case .complete: return .complete
        case .incomplete(let indent): return .incomplete(indent: indent)
        case .invalid: return .invalid
        }
    }

    public func shutdown(restart: Bool) {}
}

/// Versions reported in kernel_info and `--version`.
public enum KernelVersion {
    public static let implementation = "0.1.0"
    public static let language = "0.1"
}
