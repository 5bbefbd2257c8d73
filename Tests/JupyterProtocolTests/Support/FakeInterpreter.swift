import Foundation
import JSONModel
import JupyterProtocol
import Synchronization

/// An interpreter whose cells are one word and an argument: `print x`, `value x`, `display id`, `update id`,
/// `clear`, `fail`, `sleep`, `input prompt`, `secret prompt`, `help` (pages), `keep` (keeps the context for output after the cell).
final class FakeInterpreter: Interpreter {
    let kept = Mutex<(any ExecutionContext)?>(nil)

    let languageInfo = LanguageInfo(
        name: "fake", version: "1.0", mimetype: "text/x-fake", fileExtension: ".fake", pygmentsLexer: "text",
        codemirrorMode: "null", banner: "Fake kernel", helpLinks: [(text: "Docs", url: "https://example.org")],
        implementation: "fake-kernel", implementationVersion: "0.1")

    func execute(_ request: ExecuteRequestInfo, context: any ExecutionContext) async -> ExecuteOutcome {
        let parts = request.code.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1] : ""
        var expressions: [String: UserExpressionResult] = [:]
        for (name, expression) in request.userExpressions {
            expressions[name] = expression == "bad"
                ? .error(ErrorReport(ename: "NameError", evalue: expression, traceback: []))
                : .ok(.plainText(expression.uppercased()))
        }
        switch parts.first ?? "" {
        case "print":
            context.stream(.stdout, argument)
            return .ok(result: nil, userExpressions: expressions)
        case "value":
            return .ok(result: .plainText(argument), userExpressions: expressions)
        case "display":
            context.display(.plainText("shown"), displayID: argument)
            return .ok(result: nil)
        case "update":
            context.updateDisplay(.plainText("updated"), displayID: argument)
            return .ok(result: nil)
        case "help":
            context.page(.plainText("help text"))
            return .ok(result: nil)
        case "keep":
            kept.withLock { $0 = context }
            return .ok(result: nil)
        case "clear":
            context.clearOutput(wait: true)
            return .ok(result: nil)
        case "fail":
            context.stream(.stderr, "about to fail")
            return .error(ErrorReport(ename: "FakeError", evalue: "failed: \(argument)", traceback: ["line 1", "FakeError"]))
        case "sleep":
            do {
                try await Task.sleep(for: .seconds(60))
                return .ok(result: nil)
            } catch {
                return .error(ErrorReport(ename: "KeyboardInterrupt", evalue: "", traceback: ["KeyboardInterrupt"]))
            }
        case "input", "secret":
            do {
                let answer = try await context.requestInput(prompt: argument, password: parts[0] == "secret")
                return .ok(result: .plainText("got \(answer)"))
            } catch let error as InputError {
                let ename = error == .interrupted ? "KeyboardInterrupt" : "StdinNotImplementedError"
                return .error(ErrorReport(ename: ename, evalue: error.description, traceback: []))
            } catch {
                return .error(ErrorReport(ename: "Error", evalue: "\(error)", traceback: []))
            }
        default:
            return .ok(result: nil)
        }
    }

    func complete(code: String, cursorPosition: Int) -> CompletionResult {
        CompletionResult(matches: ["print", "prompt"], cursorStart: 0, cursorEnd: cursorPosition,
                         types: ["command", "command"])
    }

    func inspect(code: String, cursorPosition: Int, detailLevel: Int) -> MimeBundle? {
        code.hasPrefix("print") ? .plainText("print TEXT: writes TEXT (detail \(detailLevel))") : nil
    }

    func isComplete(code: String) -> Completeness {
        code.hasSuffix("\\") ? .incomplete(indent: "  ") : (code.hasPrefix("?") ? .invalid : .complete)
    }

    func shutdown(restart: Bool) {}
}
