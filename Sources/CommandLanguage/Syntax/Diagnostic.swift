/// A syntax error: what is wrong with the cell's text, where, and how to fix it.
///
/// The lexer and parser never throw; they return diagnostics beside the tree. `expectsMoreInput`
/// marks the ones raised because the cell ended while something was still open (a bracket, a string,
/// a trailing `|` or `=`): those are what make `isComplete` answer "incomplete" rather than "invalid".
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var range: SourceRange
    /// A suggestion beyond the message, if one helps.
    public var hint: String?
    /// True when more input could resolve the error (the text ended too early).
    public var expectsMoreInput: Bool

    public init(_ message: DiagnosticMessage, range: SourceRange, hint: String? = nil, expectsMoreInput: Bool = false) {
        self.message = message.text
        self.range = range
        self.hint = hint
        self.expectsMoreInput = expectsMoreInput
    }

    /// Jupyter's `ename` for every diagnostic.
    public static let kindName = "SyntaxError"

    public var description: String {
        hint.map { "\(message) (\($0))" } ?? message
    }
}

/// The text of a diagnostic. Lexer and parser declare their messages as named constants (or small
/// functions where a value is part of the text) next to the code that emits them.
public struct DiagnosticMessage: Sendable, Hashable, ExpressibleByStringLiteral {
    public let text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }
}
