/// Whether a cell's text is ready to run (Jupyter's `is_complete_request`).
public enum Completeness: Sendable, Equatable {
    case complete
    /// More input could finish it (open bracket or string, trailing `|` or `=`); `indent` is the
    /// suggested indent of the next line.
    case incomplete(indent: String)
    /// A syntax error that more input cannot fix.
    case invalid
}
