import CommandLanguage
import ConnectomeCore
import ImageCodecs
import JupyterProtocol

/// The one place where any error becomes a Jupyter error (`ename`, `evalue`, `traceback`).
///
/// Each layer throws its own typed error; here they meet. The evalue always says what was wrong
/// and how to fix it; the traceback shows the cell line with a caret under the offending part,
/// never a Swift stack.
enum ErrorAdapter {
    static func report(_ error: CellError) -> ErrorReport {
        let (ename, evalue) = nameAndValue(of: error.underlying)
        var traceback = ["\(red)\(ename)\(reset): \(evalue)"]
        traceback.append(contentsOf: error.tracebackLines())
        return ErrorReport(ename: ename, evalue: evalue, traceback: traceback)
    }

    /// ename and evalue for an error thrown anywhere below the language.
    static func nameAndValue(of error: any Error) -> (String, String) {
        switch error {
        case let error as EvaluationError:
            return (error.kind, joined(error.message, error.hint))
        case let error as Diagnostic:
            return ("SyntaxError", error.message)
        case let error as ConnectomeError:
            return (error.kind.rawValue, error.description)
        case let error as CodecError:
            return ("DataError", "\(error)")
        case let error as InputError:
            return ("InputError", error.description)
        case is CancellationError:
            return ("KeyboardInterrupt", "the cell was interrupted; variables bound before the interrupt are kept")
        default:
            return ("Error", "\(error)")
        }
    }

    private static func joined(_ message: String, _ hint: String) -> String {
        hint.isEmpty ? message : "\(message). \(hint)"
    }

    private static let red = "\u{1B}[0;31m"
    private static let reset = "\u{1B}[0m"
}
