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
        let (ename, evalue) = nameAndValue(of: error)
        var traceback = ["\(red)\(ename)\(reset): \(evalue)"]
        traceback.append(contentsOf: error.tracebackLines())
        return ErrorReport(ename: ename, evalue: evalue, traceback: traceback)
    }

    /// ename and evalue: the language names its own errors; domain errors are named here.
    static func nameAndValue(of error: CellError) -> (String, String) {
        if let kind = error.kindName {
            if error.isCancellation {
                return (kind, "the cell was interrupted; variables bound before the interrupt are kept")
            }
            return (kind, error.message)
        }
        return nameAndValue(ofDomainError: error.underlying)
    }

    static func nameAndValue(ofDomainError error: any Error) -> (String, String) {
        switch error {
        case let error as ConnectomeError:
            return (error.kind.rawValue, error.description)
        case let error as CodecError:
            return ("DataError", "the data could not be decoded: \(error.message)")
        case let error as InputError:
            return ("InputError", error.description)
        default:
            return ("Error", String(describing: error))
        }
    }

    private static let red = "\u{1B}[0;31m"
    private static let reset = "\u{1B}[0m"
}
