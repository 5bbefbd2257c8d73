import Testing
@testable import CommandLanguage

@Suite("Cancellation")
struct CancellationTests {
    /// A session with `ready`, which reports through `started` that the cell reached it.
    private func session(started: AsyncStream<Void>.Continuation) -> Session {
        let session = Session()
        session.register(CommandSpec(name: "ready", summary: "Signals the test.") { _ in
            started.yield()
            return nil
        })
        session.register(CommandSpec(name: "stubborn", summary: "Turns cancellation into its own error.") { _ in
            try? await Task.sleep(for: .seconds(60))
            throw StubDomainError(detail: "gave up")
        })
        return session
    }

    @Test("cancelling the task interrupts sleep with a CancellationError at the sleep")
    func sleepIsInterruptible() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let session = session(started: continuation)
        let cell = "let before = 1\nready\nsleep 600\nlet after = 2"
        let task = Task { await session.run(cell, output: RecordingOutput()) }
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        task.cancel()
        guard case .failure(let error) = await task.value else {
            Issue.record("a cancelled cell must fail")
            return
        }
        #expect(error.isCancellation)
        #expect(error.kindName == "KeyboardInterrupt")
        #expect(error.source.text(in: error.range) == "sleep 600")
        #expect(session.variable(named: "before") == .int(1))
        #expect(session.variable(named: "after") == nil)
    }

    @Test("a command that hides cancellation behind its own error still reports an interrupt")
    func hiddenCancellation() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let session = session(started: continuation)
        let task = Task { await session.run("ready; stubborn", output: RecordingOutput()) }
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        task.cancel()
        guard case .failure(let error) = await task.value else {
            Issue.record("a cancelled cell must fail")
            return
        }
        #expect(error.underlying is CancellationError)
    }

    @Test("a cell started in a cancelled task runs nothing")
    func alreadyCancelled() async {
        let output = RecordingOutput()
        let session = Session()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await session.run("print 1", output: output)
        }
        guard case .failure(let error) = await task.value else {
            Issue.record("a cancelled cell must fail")
            return
        }
        #expect(error.isCancellation)
        #expect(output.events.isEmpty)
    }
}
