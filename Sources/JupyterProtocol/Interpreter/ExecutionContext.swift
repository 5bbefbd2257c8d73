import JSONModel

/// Where a running cell sends its output. The kernel core implements it by publishing on IOPub
/// with the request as parent, so output always lands in the cell that asked for it.
public protocol ExecutionContext: Sendable {
    /// `stream` on stdout or stderr.
    func stream(_ name: StreamName, _ text: String)
    /// `display_data`; with a `displayID`, the display can be replaced later by `updateDisplay`.
    func display(_ bundle: MimeBundle, displayID: String?)
    /// `update_display_data`: replaces every output shown with `displayID` (progress, refreshed links).
    func updateDisplay(_ bundle: MimeBundle, displayID: String)
    /// `clear_output`.
    func clearOutput(wait: Bool)
    /// Asks the user for a line of text over the stdin channel (`input_request`).
    /// Throws `InputError.notAllowed` when the frontend does not allow stdin for this request.
    func requestInput(prompt: String, password: Bool) async throws -> String
    /// Shows `bundle` in the frontend's pager (help text), starting at line `start`: the `page` payload of
    /// this cell's `execute_reply`, not an output of the cell.
    func page(_ bundle: MimeBundle, start: Int)
}

extension ExecutionContext {
    /// Contexts that have no pager (test doubles written before `page` existed) drop the text.
    public func page(_ bundle: MimeBundle, start: Int) {}

    /// `page(_:start:)` from the first line.
    public func page(_ bundle: MimeBundle) {
        page(bundle, start: 0)
    }
}

public enum StreamName: String, Sendable {
    case stdout, stderr
}

public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `allow_stdin` was false: the frontend cannot answer (e.g. a notebook run headless).
    case notAllowed
    /// The cell was interrupted while waiting for the answer.
    case interrupted
    /// The frontend's `input_reply` could not be read (the detail names the field).
    case malformedReply(String)

    public var description: String {
        switch self {
        case .notAllowed:
            return "this frontend does not accept input (allow_stdin is false); pass the value as a parameter instead"
        case .interrupted:
            return "interrupted while waiting for input"
        case .malformedReply(let detail):
            return "the frontend's answer could not be read (\(detail)); run the cell again, or pass the value as a parameter"
        }
    }
}

/// A MIME bundle: `data` (mime type → value; text as strings, PNG as base64 text, JSON as JSON)
/// plus per-type `metadata` (e.g. `image/png` → `{width, height}`).
public struct MimeBundle: Sendable, Equatable {
    public var data: [String: JSONValue]
    public var metadata: [String: JSONValue]

    public init(data: [String: JSONValue], metadata: [String: JSONValue] = [:]) {
        self.data = data
        self.metadata = metadata
    }

    /// A bundle with only `text/plain`.
    public static func plainText(_ text: String) -> MimeBundle {
        MimeBundle(data: ["text/plain": .string(text)])
    }
}
