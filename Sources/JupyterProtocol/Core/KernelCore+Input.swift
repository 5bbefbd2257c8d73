import Foundation
import JSONModel

extension KernelCore {
    /// Sends `input_request` on stdin (routed with the shell request's identities) and waits for `input_reply`.
    func requestInput(prompt: String, password: Bool, for request: WireMessage) async throws -> String {
        let id = state.withLock { state in
            defer { state.nextInputID += 1 }
            return state.nextInputID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.pendingInput = (id, continuation)
                    return false
                }
                if cancelled {
                    continuation.resume(throwing: InputError.interrupted)
                    return
                }
                reply(to: request, "input_request", ["prompt": .string(prompt), "password": .bool(password)], on: .stdin)
            }
        } onCancel: {
            let pending = state.withLock { state -> CheckedContinuation<String, any Error>? in
                guard let pending = state.pendingInput, pending.id == id else { return nil }
                state.pendingInput = nil
                return pending.continuation
            }
            pending?.resume(throwing: InputError.interrupted)
        }
    }

    func receiveInputReply(_ message: WireMessage) {
        guard message.msgType == "input_reply" else {
            logger.notice("ignored \(message.msgType) on stdin")
            return
        }
        let reply: Result<InputReply, WireError>
        do {
            reply = .success(try message.content(InputReply.self))
        } catch {
            logger.warning("refused input_reply: \(error.description)")
            reply = .failure(error)
        }
        let pending = state.withLock { state in
            defer { state.pendingInput = nil }
            return state.pendingInput
        }
        guard let pending else {
            logger.notice("ignored an input_reply nobody was waiting for")
            return
        }
        // A reply that does not decode still ends the wait: the cell fails with what was wrong.
        switch reply {
        case .success(let answer): pending.continuation.resume(returning: answer.value)
        case .failure(let error): pending.continuation.resume(throwing: InputError.malformedReply(error.description))
        }
    }
}
