/// Malformed or unsupported encoded data, or an image the encoder cannot write.
///
/// The message says what was wrong with the data (truncated, corrupt, wrong size) so that the
/// layer above can name the chunk and its URL around it.
public struct CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Set when decoding stopped because the output would exceed this many bytes (a limit the
    /// caller gave, such as what a chunk can hold), so the caller can say which limit and why.
    public var exceededLimit: Int?

    public init(_ message: String, exceededLimit: Int? = nil) {
        self.message = message
        self.exceededLimit = exceededLimit
    }

    public var description: String { message }
}
