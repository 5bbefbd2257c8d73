/// Malformed or unsupported encoded data, or an image the encoder cannot write.
///
/// The message says what was wrong with the data (truncated, corrupt, wrong size) so that the
/// layer above can name the chunk and its URL around it.
public struct CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
