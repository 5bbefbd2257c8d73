import JupyterProtocol

/// `print x` writes x; `sleep` waits until interrupted; anything else returns its code as the result.
final class SleepyInterpreter: Interpreter {
    let languageInfo = LanguageInfo(name: "sleepy", version: "1", mimetype: "text/plain", fileExtension: ".txt",
                                    banner: "", implementation: "sleepy", implementationVersion: "1")

    func execute(_ request: ExecuteRequestInfo, context: any ExecutionContext) async -> ExecuteOutcome {
        if request.code.hasPrefix("print ") {
            context.stream(.stdout, String(request.code.dropFirst(6)))
            return .ok(result: nil)
        }
        if request.code == "sleep" {
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                return .error(ErrorReport(ename: "KeyboardInterrupt", evalue: "", traceback: []))
            }
        }
        return .ok(result: .plainText(request.code))
    }

    func complete(code: String, cursorPosition: Int) -> CompletionResult {
        CompletionResult(matches: [], cursorStart: cursorPosition, cursorEnd: cursorPosition)
    }

    func inspect(code: String, cursorPosition: Int, detailLevel: Int) -> MimeBundle? { nil }
    func isComplete(code: String) -> Completeness { .complete }
    func shutdown(restart: Bool) {}
}
