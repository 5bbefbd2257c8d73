import Foundation
import JSONModel

extension KernelCore {
    /// busy → execute_input → outputs → execute_reply → idle, or an `aborted` reply for a request that was
    /// already queued when an earlier cell failed with `stop_on_error`.
    ///
    /// The cell goes into the history file after idle: the client is not kept waiting on the file, and the
    /// next shell request (a `history_request` included) is handled only after this returns.
    func execute(_ message: WireMessage, sequence: Int) async {
        status(StatusContent.busy, parent: message)
        let entry = await run(message, sequence: sequence)
        status(StatusContent.idle, parent: message)
        if let entry { history.append(line: entry.line, input: entry.input, output: entry.output) }
    }

    /// Everything between busy and idle; returns what the history should keep of the cell.
    private func run(_ message: WireMessage, sequence: Int) async -> (line: Int, input: String, output: String?)? {
        let request: ExecuteRequest
        do {
            request = try message.content(ExecuteRequest.self)
        } catch {
            logger.warning("refused execute_request: \(error.description)")
            var content = Replies.malformedRequest(error)
            publish("error", content: .object(content), parent: message.headerBytes)
            content["execution_count"] = .int(Int64(state.withLock { $0.executionCount }))
            reply(to: message, "execute_reply", .object(content), on: .shell)
            return nil
        }

        let (count, aborted) = state.withLock { state -> (Int, Bool) in
            if sequence < state.abortBefore { return (state.executionCount, true) }
            if request.storeHistory { state.executionCount += 1 }
            return (state.executionCount, false)
        }
        if aborted {
            reply(to: message, "execute_reply", ["status": "aborted", "execution_count": .int(Int64(count))], on: .shell)
            return nil
        }
        if !request.silent {
            publish("execute_input", content: ["code": .string(request.code), "execution_count": .int(Int64(count))],
                    parent: message.headerBytes)
        }

        let info = ExecuteRequestInfo(
            code: request.code, silent: request.silent, storeHistory: request.storeHistory,
            allowStdin: request.allowStdin, executionCount: count, userExpressions: request.userExpressions)
        let context = CellContext(core: self, request: message, silent: request.silent, allowStdin: request.allowStdin,
                                  payloads: CellContext.Payloads())
        let interpreter = self.interpreter
        let cell = state.withLock { state in
            let task = Task { await interpreter.execute(info, context: context) }
            state.runningCell = task
            return task
        }
        let outcome = await cell.value
        state.withLock { $0.runningCell = nil }

        var content: [String: JSONValue] = ["execution_count": .int(Int64(count))]
        var output: String?
        switch outcome {
        case .ok(let result, let userExpressions):
            if let result {
                output = result.data["text/plain"]?.stringValue
                if !request.silent {
                    var published = Replies.bundle(result)
                    published["execution_count"] = .int(Int64(count))
                    publish("execute_result", content: .object(published), parent: message.headerBytes)
                }
            }
            content["status"] = "ok"
            content["user_expressions"] = Replies.userExpressions(userExpressions)
            content["payload"] = .array(context.payloads.items.withLock { $0 })
        case .error(let report):
            let error = Replies.error(report)
            if !request.silent { publish("error", content: .object(error), parent: message.headerBytes) }
            content.merge(error) { _, new in new }
            content["status"] = "error"
            if request.stopOnError {
                state.withLock { $0.abortBefore = $0.received }
            }
        }
        reply(to: message, "execute_reply", .object(content), on: .shell)
        return request.storeHistory ? (count, request.code, output) : nil
    }
}
