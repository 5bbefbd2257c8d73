/// An error raised while evaluating a cell (not by a command's domain code): unknown names,
/// wrong arguments, values of the wrong type. Its message says what was wrong and how to fix it.
public struct EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind, used as Jupyter's `ename`.
    public struct Kind: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let nameError = Kind(rawValue: "NameError")
        public static let argumentError = Kind(rawValue: "ArgumentError")
        public static let typeError = Kind(rawValue: "TypeError")
        public static let valueError = Kind(rawValue: "ValueError")
    }

    public var kind: Kind
    public var message: String
    public var hint: String?
    /// The offending part of the cell, when known; otherwise the whole command is blamed.
    public var range: SourceRange?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, range: SourceRange? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.range = range
    }

    /// Message and hint as one line, for `evalue`.
    public var description: String {
        guard let hint else { return message }
        let separator = message.last.map { ".?!:".contains($0) } == true ? " " : ". "
        return message + separator + hint
    }
}
