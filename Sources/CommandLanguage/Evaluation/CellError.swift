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
    ///
    /// A line longer than `maxShownColumns` is cut to a window around the range (marked with `…`),
    /// and a range over many lines shows its first and last lines, so a megabyte-long cell gives a
    /// traceback a person can read.
    public func tracebackLines() -> [String] {
        let first = source.location(of: range.start)
        let last = source.location(of: max(range.start, range.end - 1))
        let lastLine = max(first.line, last.line)
        var shownLines = Array(first.line...min(lastLine, first.line + 2))
        if lastLine > first.line + 4 {
            shownLines += [lastLine - 1, lastLine]
        } else if lastLine > first.line + 2 {
            shownLines += Array((first.line + 3)...lastLine)
        }
        var lines: [String] = []
        for line in shownLines {
            if line == lastLine - 1, lastLine > first.line + 4 {
                lines.append("… \(lastLine - first.line - 4) more lines")
            }
            let lineStart = source.lineStarts[line - 1]
            let lineEnd = line < source.lineCount ? source.lineStarts[line] - 1 : source.count
            let scalars = source.scalars[lineStart..<lineEnd]
            let prefix = "line \(line): "
            let lineLength = scalars.count
            let startColumn = line == first.line ? range.start - lineStart : 0
            let endColumn = line == last.line ? max(startColumn + 1, range.end - lineStart) : max(lineLength, startColumn + 1)
            var from = 0, to = lineLength
            if lineLength > Self.maxShownColumns {
                from = max(0, min(startColumn - Self.maxShownColumns / 4, lineLength - Self.maxShownColumns))
                to = min(lineLength, from + Self.maxShownColumns)
            }
            let text = SourceText.string(scalars[(lineStart + from)..<(lineStart + to)])
            let lead = scalars[(lineStart + from)..<(lineStart + max(from, min(startColumn, to)))].map { $0 == "\t" ? "\t" : " " }.joined()
            let width = max(1, min(endColumn, max(to, startColumn + 1)) - startColumn)
            lines.append(prefix + (from > 0 ? "…" : "") + text + (to < lineLength ? "…" : ""))
            lines.append(String(repeating: " ", count: prefix.count + (from > 0 ? 1 : 0)) + lead
                         + String(repeating: "^", count: width))
        }
        return lines
    }

    /// The most characters of one cell line a traceback shows.
    static let maxShownColumns = 200
}
