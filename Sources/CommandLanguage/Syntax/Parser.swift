/// Turns a cell into a `SyntaxTree`, never throwing: problems become diagnostics and the parser
/// resynchronises at the next statement.
///
/// Grammar functions read like LANGUAGE.md; statements here, expressions in `Parser+Expressions.swift`.
struct Parser {
    var tokens: [Token]
    var index = 0
    var diagnostics: [Diagnostic]
    /// End offset of the last consumed token, for ranges that end where the construct ended.
    var previousEnd = 0
    /// Brackets open around the expression being parsed, against `maxNesting`.
    var nesting = 0

    /// How deep brackets may nest. The parser recurses once per level, so without a limit a cell of
    /// 10,000 `(` would exhaust the thread's stack; 256 is far beyond anything written by hand.
    static let maxNesting = 256

    /// Words that read as literals and so can be neither verbs nor variables.
    static let literalWords: Set<String> = ["true", "false", "null"]
    static let letKeyword = "let"

    static func parse(_ text: String) -> SyntaxTree {
        parse(SourceText(text))
    }

    static func parse(_ source: SourceText) -> SyntaxTree {
        let lexer = Lexer.tokenize(source)
        var parser = Parser(tokens: lexer.tokens, diagnostics: lexer.diagnostics)
        let statements = parser.parseCell()
        let diagnostics = parser.diagnostics.sorted { $0.range.start < $1.range.start }
        return SyntaxTree(source: source, statements: statements, diagnostics: diagnostics,
                          openBracketDepth: lexer.openBracketDepth, endsInsideString: lexer.endsInsideString)
    }

    // MARK: Cell and statements

    mutating func parseCell() -> [Statement] {
        var statements: [Statement] = []
        while true {
            while current.kind == .newline || current.kind == .semicolon { advance() }
            if current.kind == .end { break }
            let start = index
            let reported = diagnostics.count
            if let statement = parseStatement() { statements.append(statement) }
            if !current.isStatementEnd {
                if diagnostics.count == reported { reportUnexpected(current) }
                while !current.isStatementEnd { advance() }
            }
            if index == start { advance() }
        }
        return statements
    }

    private mutating func parseStatement() -> Statement? {
        if current.kind == .name, current.text == Self.letKeyword {
            return parseBinding()
        }
        if current.kind == .name, peek(1).kind == .equals, !Self.literalWords.contains(current.text) {
            report(.assignmentWithoutLet(current.text), current.range.union(peek(1).range))
            return nil
        }
        return .pipeline(parsePipeline())
    }

    /// `let NAME = pipeline`
    private mutating func parseBinding() -> Statement? {
        let letToken = advance()
        guard current.kind == .name, current.text != Self.letKeyword, !Self.literalWords.contains(current.text) else {
            if current.kind == .name {
                report(.reservedName(current.text), current.range)
            } else {
                reportExpected(.expectedNameAfterLet, at: current, after: letToken)
            }
            return nil
        }
        let name = advance()
        guard current.kind == .equals else {
            reportExpected(.expectedEqualsAfterLet(name.text), at: current, after: name)
            return nil
        }
        let equals = advance()
        skipNewlines()
        guard canStartCommand(current) else {
            reportExpected(.expectedValueAfterLet(name.text), at: current, after: equals)
            return nil
        }
        let pipeline = parsePipeline()
        return .binding(name: name.text, nameRange: name.range, value: pipeline,
                        range: letToken.range.union(pipeline.range))
    }

    /// `command ("|" command)*`; a line break may come before or after `|`, so long pipelines
    /// can be written one command per line.
    mutating func parsePipeline() -> Pipeline {
        var commands = [parseCommand()]
        while true {
            if current.kind == .newline {
                var ahead = 1
                while peek(ahead).kind == .newline { ahead += 1 }
                guard peek(ahead).kind == .pipe else { break }
                skipNewlines()
            }
            guard current.kind == .pipe else { break }
            let pipe = advance()
            skipNewlines()
            guard canStartCommand(current) else {
                reportExpected(.expectedCommandAfterPipe, at: current, after: pipe)
                break
            }
            commands.append(parseCommand())
        }
        let range = commands[0].range.union(commands[commands.count - 1].range)
        return Pipeline(commands: commands, range: range)
    }

    /// `VERB argument* | expression`
    private mutating func parseCommand() -> Command {
        guard current.kind == .name, !Self.literalWords.contains(current.text) else {
            return .expression(parseExpression())
        }
        if current.text == Self.letKeyword {
            report(.letInsideStatement, current.range)
        }
        let verb = advance()
        var arguments: [Argument] = []
        while canStartExpression(current) {
            arguments.append(parseArgument())
        }
        let range = arguments.last.map { verb.range.union($0.range) } ?? verb.range
        return .call(verb: verb.text, verbRange: verb.range, arguments: arguments, range: range)
    }

    /// `NAME "=" expression | expression`; a line break may follow `=`.
    private mutating func parseArgument() -> Argument {
        guard current.kind == .name, peek(1).kind == .equals else {
            let value = parseExpression()
            return Argument(name: nil, nameRange: nil, value: value, range: value.range)
        }
        let name = advance()
        let equals = advance()
        skipNewlines()
        guard canStartExpression(current) else {
            reportExpected(.expectedValueAfterEquals(name.text), at: current, after: equals)
            return Argument(name: name.text, nameRange: name.range, value: .invalid(.at(equals.range.end)),
                            range: name.range.union(equals.range))
        }
        let value = parseExpression()
        return Argument(name: name.text, nameRange: name.range, value: value, range: name.range.union(value.range))
    }

    // MARK: Token access

    var current: Token { tokens[index] }

    func peek(_ distance: Int) -> Token {
        tokens[min(index + distance, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if token.kind != .end {
            index += 1
            previousEnd = token.range.end
        }
        return token
    }

    mutating func skipNewlines() {
        while current.kind == .newline { advance() }
    }

    func canStartExpression(_ token: Token) -> Bool {
        switch token.kind {
        case .name, .integer, .float, .string, .leftParen, .leftBracket, .leftBrace, .invalid: return true
        default: return false
        }
    }

    func canStartCommand(_ token: Token) -> Bool {
        canStartExpression(token)
    }

    // MARK: Reporting

    mutating func report(_ message: DiagnosticMessage, _ range: SourceRange, expectsMoreInput: Bool = false) {
        diagnostics.append(Diagnostic(message, range: range, expectsMoreInput: expectsMoreInput))
    }

    /// Reports a missing piece: at the end of the cell (more input would fix it) the caret goes
    /// under the token it should follow, otherwise under the token found instead.
    mutating func reportExpected(_ message: DiagnosticMessage, at token: Token, after previous: Token) {
        if token.kind == .end {
            report(message, previous.range, expectsMoreInput: true)
        } else if token.kind == .invalid {
            return
        } else {
            report(DiagnosticMessage("\(message.text), found \(token.quoted)"), token.range)
        }
    }

    private mutating func reportUnexpected(_ token: Token) {
        switch token.kind {
        case .comma: report(.unexpectedComma, token.range)
        case .equals: report(.unexpectedEquals, token.range)
        case .colon: report(.unexpectedColon, token.range)
        case .rightParen, .rightBracket, .rightBrace: report(.unmatchedClosing(token.text), token.range)
        case .invalid: break
        default:
            if canStartExpression(token) {
                report(.valueTakesNoArguments(token.quoted), token.range)
            } else {
                report(.unexpectedToken(token.quoted), token.range)
            }
        }
    }
}

extension DiagnosticMessage {
    fileprivate static func assignmentWithoutLet(_ name: String) -> Self {
        Self("'\(name) =' is not a statement; bind a variable with: let \(name) = ...")
    }
    fileprivate static func reservedName(_ name: String) -> Self {
        Self("'\(name)' is a reserved word and cannot be a variable name")
    }
    fileprivate static let expectedNameAfterLet: Self = "expected a variable name after 'let', as in: let x = 42"
    fileprivate static func expectedEqualsAfterLet(_ name: String) -> Self {
        Self("expected '=' after 'let \(name)', as in: let \(name) = 42")
    }
    fileprivate static func expectedValueAfterLet(_ name: String) -> Self {
        Self("expected a value or command after 'let \(name) ='")
    }
    fileprivate static let expectedCommandAfterPipe: Self = "expected a command after '|'"
    fileprivate static let letInsideStatement: Self = "'let' can only start a statement"
    fileprivate static func expectedValueAfterEquals(_ name: String) -> Self {
        Self("expected a value after '\(name)='")
    }
    fileprivate static let unexpectedComma: Self =
        "unexpected ','; arguments are separated by spaces, and a list is written [a, b]"
    fileprivate static let unexpectedEquals: Self =
        "unexpected '='; name a parameter as name=value after a command, or bind a variable with let name = value"
    fileprivate static let unexpectedColon: Self = "unexpected ':'; a colon separates key and value inside a record {key: value}"
    fileprivate static func unmatchedClosing(_ text: String) -> Self {
        Self("unmatched '\(text)': nothing is open here")
    }
    fileprivate static func valueTakesNoArguments(_ found: String) -> Self {
        Self("unexpected \(found) after a value; only commands take arguments, and statements are separated by a line break or ';'")
    }
    fileprivate static func unexpectedToken(_ found: String) -> Self {
        Self("unexpected \(found)")
    }
}
