/// Everything that can go wrong below the language: bad data, unreachable servers, bad input.
///
/// The message says what went wrong, with the values involved, and how to fix it; `kind` becomes
/// the Jupyter `ename` (the translation lives in one place, in ConnectomeKernel).
public struct ConnectomeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The server could not be reached, answered with an error status, or timed out.
        case network = "NetworkError"
        /// Stored data is malformed: a corrupt chunk, an `info` that breaks the spec.
        case data = "DataError"
        /// A value the user gave is not acceptable (bad ID, region outside the volume, bad URL).
        case argument = "ArgumentError"
        /// The server wants credentials or refused the ones given.
        case auth = "AuthError"
        /// A feature the data uses that the kernel does not read.
        case unsupported = "UnsupportedError"
        /// A query found nothing (crantpy's NoMatchesError): the criteria are named so they can be loosened.
        case noMatches = "NoMatchesError"
    }

    public var kind: Kind
    /// What went wrong, naming the values involved.
    public var message: String
    /// What the user can do about it (may be empty).
    public var hint: String

    public init(_ kind: Kind, _ message: String, hint: String = "") {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    /// Message and hint as one line (the Jupyter `evalue`).
    public var description: String {
        guard !hint.isEmpty else { return message }
        let separator = message.last.map { ".?!".contains($0) } == true ? " " : ". "
        return message + separator + hint.prefix(1).uppercased() + hint.dropFirst()
    }

    public static func noMatches(_ message: String, hint: String = "") -> ConnectomeError {
        ConnectomeError(.noMatches, message, hint: hint)
    }

    public static func network(_ message: String, hint: String = "") -> ConnectomeError {
        ConnectomeError(.network, message, hint: hint)
    }
    public static func data(_ message: String, hint: String = "") -> ConnectomeError {
        ConnectomeError(.data, message, hint: hint)
    }
    public static func argument(_ message: String, hint: String = "") -> ConnectomeError {
        ConnectomeError(.argument, message, hint: hint)
    }
    public static func auth(_ message: String, hint: String = "") -> ConnectomeError {
        ConnectomeError(.auth, message, hint: hint)
    }
    public static func unsupported(_ message: String, hint: String = "") -> ConnectomeError {
        ConnectomeError(.unsupported, message, hint: hint)
    }

    /// A number in a file or a server's answer outside what the kernel reads (see `DataLimits`):
    /// a `.data` error naming the file, the field, the value and the allowed range.
    ///
    /// `value` is shown as given (a list, a product, a header field), so the user can find it.
    public static func outOfRange(_ source: String, field: String, value: some CustomStringConvertible,
                                  allowed: String, hint: String = outOfRangeHint) -> ConnectomeError {
        ConnectomeError(.data, "\(source): \(field) is \(value), outside what the kernel reads (\(allowed))",
                        hint: hint)
    }

    /// The default advice for `outOfRange`: the data is damaged or hostile, or a real dataset needs a higher limit.
    public static let outOfRangeHint =
        "the file is damaged or is not what the URL should point at; if the dataset really is this large, report it so that the limit can be raised"
}
