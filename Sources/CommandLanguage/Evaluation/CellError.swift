/// A failed cell: the underlying error, the part of the cell to blame, and the cell itself.
///
/// `underlying` is a `Diagnostic` (syntax), an `EvaluationError` (names, arguments, types),
/// `CancellationError` (interrupt), or whatever a command threw (a domain error this target does
/// not know). The kernel turns it into ename / evalue / traceback in one adapter.
public struct CellError: Error, Sendable, CustomStringConvertible {
    public let underlying: any Error
    public let range: SourceRange
    public let source: SourceText

    public init(_ underlying: any Error, range: SourceRange, source: SourceText) {
        self.underlying = underlying
        self.range = range
        self.source = source
    }

    /// True when the cell was interrupted.
    public var isCancellation: Bool { underlying is CancellationError }

    /// The kind for the errors this target defines ("SyntaxError", "NameError", ...,
    /// "KeyboardInterrupt"); nil for a command's own error type, which the kernel names.
    public var kindName: String? {
        switch underlying {
        case is Diagnostic: return Diagnostic.kindName
        case let error as EvaluationError: return error.kind.rawValue
        case is CancellationError: return "KeyboardInterrupt"
        default: return nil
        }
    }

    /// The message for the errors this target defines, hint included.
    public var message: String {
        switch underlying {
        case let diagnostic as Diagnostic: return diagnostic.description
        case let error as EvaluationError: return error.description
        case is CancellationError: return "interrupted"
        default: return String(describing: underlying)
        }
    }

    public var description: String { "\(kindName ?? String(describing: type(of: underlying))): \(message)" }

    /// The cell line(s) of the offending range, each followed by a caret line under the range:
    ///
    ///     line 2: slcie x=1
    ///             ^^^^^
    public func tracebackLines() -> [String] {
        let first = source.location(of: range.start)
        let last = source.location(of: max(range.start, range.end - 1))
        var lines: [String] = []
        for line in first.line...max(first.line, last.line) {
            let text = source.lineText(line)
            let lineStart = source.lineStarts[line - 1]
            let prefix = "line \(line): "
            let startColumn = line == first.line ? range.start - lineStart : 0
            let lineLength = text.unicodeScalars.count
            let endColumn = line == last.line ? max(startColumn + 1, range.end - lineStart) : max(lineLength, startColumn + 1)
            let lead = text.unicodeScalars.prefix(startColumn).map { $0 == "\t" ? "\t" : " " }.joined()
            let width = max(1, min(endColumn, max(lineLength, startColumn + 1)) - startColumn)
            lines.append(prefix + text)
            lines.append(String(repeating: " ", count: prefix.count) + lead + String(repeating: "^", count: width))
        }
        return lines
    }
}
