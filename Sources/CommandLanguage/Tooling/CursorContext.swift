/// What surrounds the cursor, for completion and inspection: the word under it and the command
/// it belongs to.
struct CursorContext {
    enum Place {
        /// Where a command starts (statement start, after `|`, inside `(`): verbs and variables.
        case commandStart(afterPipe: Bool)
        /// An argument of `spec`; `parameter` is set in value place after `name=`.
        case argument(spec: CommandSpec, given: Set<String>, parameter: String?)
        /// Inside a value (list, vector, record, or a command that is not a known verb).
        case expression
        /// Where nothing can be offered: a variable name after `let`, inside a string or comment.
        case none
    }

    /// The name token under or just before the cursor, if any.
    let word: Token?
    /// What the completion replaces: the whole word under the cursor, or an empty range at it.
    let replacement: SourceRange
    /// The typed part of the word, up to the cursor.
    let prefix: String
    let place: Place
    /// Whether `=` follows the word (a parameter name being edited in place).
    let followedByEquals: Bool
    /// The first words of the pipeline stages before the cursor's stage, first to last.
    let upstreamStages: [String]

    init(code: String, cursor: Int, registry: CommandRegistry) {
        let source = SourceText(code)
        let cursor = max(0, min(cursor, source.count))
        let tokens = Lexer.tokenize(source).tokens
        let wordIndex = tokens.firstIndex { $0.kind == .name && $0.range.start < cursor && cursor <= $0.range.end }
        word = wordIndex.map { tokens[$0] }
        if let word {
            replacement = word.range
            prefix = source.text(in: SourceRange(start: word.range.start, end: cursor))
            followedByEquals = tokens[wordIndex! + 1].kind == .equals
        } else {
            replacement = .at(cursor)
            prefix = ""
            followedByEquals = false
        }
        if Self.isInsideStringOrComment(tokens: tokens, source: source, cursor: cursor) {
            place = .none
            upstreamStages = []
            return
        }
        let replacementStart = replacement.start
        let before = Array(tokens.prefix { $0.kind != .end && $0.range.end <= replacementStart })
        place = Self.place(before: before, registry: registry)
        upstreamStages = Self.upstreamStages(before: before)
    }

    /// The first word of every stage of the pipeline the cursor is in, before the cursor's own
    /// stage: walking back at bracket depth 0, a `|` ends a stage and anything that starts a
    /// statement or a value (`;`, a newline, `let … =`, an open bracket, `,`, `:`) ends the pipeline.
    private static func upstreamStages(before: [Token]) -> [String] {
        var stages: [String] = []
        var depth = 0
        var firstWord: String?
        var sawPipe = false
        var index = before.count - 1
        walk: while index >= 0 {
            let token = before[index]
            switch token.kind {
            case .rightParen, .rightBracket, .rightBrace:
                depth += 1
                firstWord = nil
            case .leftParen, .leftBracket, .leftBrace:
                if depth == 0 { break walk }
                depth -= 1
                firstWord = nil
            case .pipe where depth == 0:
                if sawPipe { stages.append(firstWord ?? "") }
                sawPipe = true
                firstWord = nil
            case .equals where depth == 0 && index >= 2 && before[index - 2].kind == .name
                && before[index - 2].text == Parser.letKeyword:
                break walk
            case .semicolon, .newline, .comma, .colon where depth == 0:
                break walk
            case .name where depth == 0:
                firstWord = token.text
            default:
                if depth == 0 { firstWord = nil }
            }
            index -= 1
        }
        if sawPipe { stages.append(firstWord ?? "") }
        return stages.reversed()
    }

    private static func place(before: [Token], registry: CommandRegistry) -> Place {
        var depth = 0
        var index = before.count - 1
        var boundary: Token?
        scan: while index >= 0 {
            let token = before[index]
            switch token.kind {
            case .rightParen, .rightBracket, .rightBrace:
                depth += 1
            case .leftParen, .leftBracket, .leftBrace:
                if depth == 0 { boundary = token; break scan }
                depth -= 1
            case .pipe, .semicolon, .newline, .comma, .colon:
                if depth == 0 { boundary = token; break scan }
            case .equals where depth == 0 && index >= 2 && before[index - 2].kind == .name
                && before[index - 2].text == Parser.letKeyword:
                boundary = token
                break scan
            default:
                break
            }
            index -= 1
        }
        let segment = before[(index + 1)...]
        guard let first = segment.first else {
            switch boundary?.kind {
            case nil, .semicolon, .newline, .equals: return .commandStart(afterPipe: false)
            case .pipe: return .commandStart(afterPipe: true)
            case .leftParen: return .commandStart(afterPipe: false)
            default: return .expression
            }
        }
        if first.kind == .name && first.text == Parser.letKeyword { return .none }
        let commandPlace = boundary == nil || [.pipe, .semicolon, .newline, .equals, .leftParen].contains(boundary!.kind)
        guard commandPlace, first.kind == .name, let spec = registry.spec(named: first.text) else {
            return .expression
        }
        var given: Set<String> = []
        let tokens = Array(segment)
        for (position, token) in tokens.enumerated().dropFirst() where token.kind == .name {
            if position + 1 < tokens.count && tokens[position + 1].kind == .equals {
                given.insert(token.text)
            } else if spec.keywords.contains(token.text) {
                given.insert(token.text)
            }
        }
        if let last = tokens.last, last.kind == .equals, tokens.count >= 2, tokens[tokens.count - 2].kind == .name {
            return .argument(spec: spec, given: given, parameter: tokens[tokens.count - 2].text)
        }
        return .argument(spec: spec, given: given, parameter: nil)
    }

    private static func isInsideStringOrComment(tokens: [Token], source: SourceText, cursor: Int) -> Bool {
        if tokens.contains(where: { $0.kind == .string && $0.range.start < cursor
            && (cursor < $0.range.end || ($0.range.end == source.count && !closes($0))) }) {
            return true
        }
        let lineStart = source.lineStarts.last { $0 <= cursor } ?? 0
        let lastTokenEnd = tokens.last { $0.kind != .end && $0.kind != .newline && $0.range.end <= cursor }?.range.end ?? 0
        let from = max(lineStart, lastTokenEnd)
        return from < cursor && source.scalars[from..<cursor].contains("#")
    }

    /// Whether a string token ends with its closing quote (an unterminated one runs to the end).
    private static func closes(_ token: Token) -> Bool {
        let scalars = Array(token.text.unicodeScalars)
        guard scalars.count >= 2, let quote = scalars.first, scalars.last == quote else { return false }
        var backslashes = 0
        var index = scalars.count - 2
        while index > 0, scalars[index] == "\\" {
            backslashes += 1
            index -= 1
        }
        return backslashes % 2 == 0
    }
}
