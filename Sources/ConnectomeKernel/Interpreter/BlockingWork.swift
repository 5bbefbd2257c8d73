import Foundation
import Synchronization

/// Runs long synchronous work (writing the sample, rendering, colouring, PNG encoding) on a thread
/// of its own, off Swift's cooperative pool, so that an interrupt is answered at once.
///
/// The cell's task only waits; when it is cancelled, `StopFlag` is raised for work that checks it,
/// and the wait ends right away (`.returnAtOnce`: the work's result is dropped when it finishes) or
/// as soon as the work notices the flag (`.waitForWork`: for work that must clean up after itself,
/// such as removing a half-written folder).
enum BlockingWork {
    enum OnCancel: Sendable {
        case returnAtOnce
        case waitForWork
    }

    static func run<T: Sendable>(onCancel: OnCancel = .returnAtOnce,
                                 _ work: @escaping @Sendable (StopFlag) throws -> T) async throws -> T {
        try Task.checkCancellation()
        let flag = StopFlag()
        let outcome = Outcome<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                outcome.wait(with: continuation)
                let thread = Thread {
                    outcome.finish(Result { try work(flag) })
                }
                thread.name = "connectome-blocking-work"
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onCancel: {
            flag.raise()
            if onCancel == .returnAtOnce { outcome.finish(.failure(CancellationError())) }
        }
    }

    /// Resumes the waiting task exactly once, whichever comes first: the work's result or a cancellation.
    private final class Outcome<T: Sendable>: Sendable {
        private enum State {
            case idle
            case waiting(CheckedContinuation<T, any Error>)
            case finished(Result<T, any Error>)
            case resumed
        }

        private let state = Mutex<State>(.idle)

        func wait(with continuation: CheckedContinuation<T, any Error>) {
            let early = state.withLock { state -> Result<T, any Error>? in
                if case .finished(let result) = state {
                    state = .resumed
                    return result
                }
                state = .waiting(continuation)
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func finish(_ result: Result<T, any Error>) {
            let waiting = state.withLock { state -> CheckedContinuation<T, any Error>? in
                switch state {
                case .idle:
                    state = .finished(result)
                    return nil
                case .waiting(let continuation):
                    state = .resumed
                    return continuation
                case .finished, .resumed:
                    return nil
                }
            }
            waiting?.resume(with: result)
        }
    }
}

/// Raised when the cell that started some blocking work is interrupted; the work checks it often.
final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    var isRaised: Bool { raised.load(ordering: .relaxed) }

    func raise() { raised.store(true, ordering: .relaxed) }

    /// Throws `CancellationError` once raised.
    func check() throws {
        if isRaised { throw CancellationError() }
    }

    /// The flag as a closure for ConnectomeCore's long loops, which know no flag type.
    var probe: @Sendable () -> Bool { { [self] in isRaised } }
}
