import JSONModel

/// The language's only contract with the kernel core (xeus's `xinterpreter`, ipykernel's `do_*`).
///
/// The core owns the protocol: busy/idle, execute_input, execution counts, reply shapes, history,
/// aborting the queue after an error. The interpreter only runs code and answers questions about it,
/// and sends output through the `ExecutionContext` it is handed; it never sees a socket or a header.
public protocol Interpreter: AnyObject, Sendable {
    /// `language_info`, banner and help links for `kernel_info_reply`.
    var languageInfo: LanguageInfo { get }

    /// Runs one cell. Output goes through `context`; the returned outcome becomes the reply.
    /// Cancellation of the calling task is how an interrupt reaches the interpreter: a cell that is
    /// cancelled should stop promptly and return `.error` with ename `KeyboardInterrupt`.
    func execute(_ request: ExecuteRequestInfo, context: any ExecutionContext) async -> ExecuteOutcome

    /// Completion candidates for the text at `cursorPosition` (a Unicode code-point offset).
    func complete(code: String, cursorPosition: Int) -> CompletionResult

    /// Help for the name under the cursor; `nil` when nothing is found.
    func inspect(code: String, cursorPosition: Int, detailLevel: Int) -> MimeBundle?

    /// Whether `code` is a complete cell (consoles ask this before running on Enter).
    func isComplete(code: String) -> Completeness

    /// Called before the process exits or restarts, to flush state (history is the core's job).
    func shutdown(restart: Bool)
}

/// What the interpreter gets to know of an `execute_request`.
public struct ExecuteRequestInfo: Sendable, Equatable {
    public var code: String
    public var silent: Bool
    public var storeHistory: Bool
    public var allowStdin: Bool
    /// The count this cell is shown with (already incremented when `storeHistory`).
    public var executionCount: Int
    /// `user_expressions`: name → expression, evaluated after the cell.
    public var userExpressions: [String: String]

    public init(code: String, silent: Bool = false, storeHistory: Bool = true, allowStdin: Bool = false,
                executionCount: Int = 1, userExpressions: [String: String] = [:]) {
        self.code = code
        self.silent = silent
        self.storeHistory = storeHistory
        self.allowStdin = allowStdin
        self.executionCount = executionCount
        self.userExpressions = userExpressions
    }
}

/// How a cell ended.
public enum ExecuteOutcome: Sendable, Equatable {
    /// The cell ran. `result` is the `execute_result` bundle (nil when the last statement has no value);
    /// `userExpressions` maps each requested name to a bundle or an error.
    case ok(result: MimeBundle?, userExpressions: [String: UserExpressionResult] = [:])
    /// The cell failed; the core publishes the `error` message and replies with status `error`.
    case error(ErrorReport)
}

public enum UserExpressionResult: Sendable, Equatable {
    case ok(MimeBundle)
    case error(ErrorReport)
}

/// A Jupyter error: `ename`, `evalue`, `traceback` lines (which may carry ANSI colours).
public struct ErrorReport: Sendable, Equatable, Error {
    public var ename: String
    public var evalue: String
    public var traceback: [String]

    public init(ename: String, evalue: String, traceback: [String]) {
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback
    }
}

/// The result of `complete_request`.
public struct CompletionResult: Sendable, Equatable {
    public var matches: [String]
    /// Code-point offsets of the text the matches replace.
    public var cursorStart: Int
    public var cursorEnd: Int
    /// One kind per match ("command", "parameter", "variable", "preset", ...), for
    /// `metadata._jupyter_types_experimental`.
    public var types: [String]

    public init(matches: [String], cursorStart: Int, cursorEnd: Int, types: [String] = []) {
        self.matches = matches
        self.cursorStart = cursorStart
        self.cursorEnd = cursorEnd
        self.types = types
    }
}

/// The answer to `is_complete_request`.
public enum Completeness: Sendable, Equatable {
    case complete
    case incomplete(indent: String)
    case invalid
    case unknown
}

/// `language_info` and the rest of `kernel_info_reply` that the language decides.
public struct LanguageInfo: Sendable, Equatable {
    public var name: String
    public var version: String
    public var mimetype: String
    public var fileExtension: String
    public var pygmentsLexer: String?
    public var codemirrorMode: String?
    public var banner: String
    public var helpLinks: [(text: String, url: String)]
    public var implementation: String
    public var implementationVersion: String

    public init(name: String, version: String, mimetype: String, fileExtension: String,
                pygmentsLexer: String? = nil, codemirrorMode: String? = nil, banner: String,
                helpLinks: [(text: String, url: String)] = [], implementation: String,
                implementationVersion: String) {
        self.name = name
        self.version = version
        self.mimetype = mimetype
        self.fileExtension = fileExtension
        self.pygmentsLexer = pygmentsLexer
        self.codemirrorMode = codemirrorMode
        self.banner = banner
        self.helpLinks = helpLinks
        self.implementation = implementation
        self.implementationVersion = implementationVersion
    }

    public static func == (lhs: LanguageInfo, rhs: LanguageInfo) -> Bool {
        lhs.name == rhs.name && lhs.version == rhs.version && lhs.mimetype == rhs.mimetype
            && lhs.fileExtension == rhs.fileExtension && lhs.banner == rhs.banner
            && lhs.implementation == rhs.implementation
            && lhs.helpLinks.map { "\($0.text)\u{0}\($0.url)" } == rhs.helpLinks.map { "\($0.text)\u{0}\($0.url)" }
    }
}
