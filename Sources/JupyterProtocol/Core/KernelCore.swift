import Foundation
import JSONModel
import Logging
import Synchronization

/// How the kernel's run ended: the client's `shutdown_request` asked for a restart or not.
/// Either way the process should exit; a restarting client starts a new one.
public struct ShutdownResult: Sendable, Equatable {
    public var restart: Bool

    public init(restart: Bool) {
        self.restart = restart
    }
}

/// The kernel core: the message-type table and the busy → execute_input → outputs → reply → idle order.
///
/// It owns the protocol and nothing else: sockets sit behind `MessageTransport`, the language behind
/// `Interpreter`. Shell requests run one at a time, in arrival order, on a task of their own; each cell runs
/// in a child `Task` that `interrupt()` cancels. Control requests are answered synchronously on whatever
/// thread the transport delivers them, so they never wait behind a running cell.
public final class KernelCore: Sendable {
    struct State {
        var executionCount = 0
        /// Shell messages received so far; each gets the count at arrival as its sequence number.
        var received = 0
        /// Execute requests with a sequence number below this were queued when a cell failed: abort them.
        var abortBefore = 0
        var runningCell: Task<ExecuteOutcome, Never>?
        var pendingInput: (id: Int, continuation: CheckedContinuation<String, any Error>)?
        var nextInputID = 0
        var shutdown: ShutdownResult?
        var shutdownWaiters: [CheckedContinuation<ShutdownResult, Never>] = []
    }

    let interpreter: any Interpreter
    let transport: any MessageTransport
    let factory: MessageFactory
    let history: HistoryStore
    let logger: Logger
    let state = Mutex(State())
    let shellQueue: AsyncStream<(sequence: Int, message: WireMessage)>
    let shellInput: AsyncStream<(sequence: Int, message: WireMessage)>.Continuation

    /// The `session` put in every header this kernel sends (one per process).
    public var session: String { factory.session }

    public init(interpreter: any Interpreter, transport: any MessageTransport, signer: MessageSigner,
                history: HistoryStore, logger: Logger, username: String = ProcessInfo.processInfo.environment["USER"] ?? "kernel") {
        self.interpreter = interpreter
        self.transport = transport
        self.factory = MessageFactory(signer: signer, username: username)
        self.history = history
        self.logger = logger
        (shellQueue, shellInput) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Publishes `starting`, serves requests until a `shutdown_request`, and returns what it asked for.
    public func run() async -> ShutdownResult {
        transport.start { [self] channel, frames in receive(frames, on: channel) }
        publish("status", content: StatusContent.starting, parent: nil)
        let shell = Task { await serveShell() }
        let result = await waitForShutdown()
        shell.cancel()
        return result
    }

    /// Interrupts the running cell (its task is cancelled; a pending `input_request` fails with
    /// `InputError.interrupted`). Called for `interrupt_request`, and by main on SIGINT.
    public func interrupt() {
        let (cell, input) = state.withLock { state in
            defer { state.pendingInput = nil }
            return (state.runningCell, state.pendingInput)
        }
        if cell != nil || input != nil { logger.info("interrupting the running cell") }
        cell?.cancel()
        input?.continuation.resume(throwing: InputError.interrupted)
    }

    /// Entry point for the transport: parses and routes one inbound message. Bad messages are logged and dropped.
    func receive(_ frames: [Data], on channel: MessageChannel) {
        if channel == .iopub {
            welcome(subscriptionFrame: frames.first ?? Data())
            return
        }
        let message: WireMessage
        do {
            message = try WireMessage.decode(frames, signer: factory.signer)
        } catch {
            logger.warning("dropped a message on \(channel.rawValue): \(error.description)")
            return
        }
        guard state.withLock({ $0.shutdown == nil }) else {
            logger.info("ignored \(message.msgType) received after shutdown")
            return
        }
        switch channel {
        case .shell:
            let sequence = state.withLock { state in
                defer { state.received += 1 }
                return state.received
            }
            shellInput.yield((sequence, message))
        case .control:
            handle(message, on: .control)
        case .stdin:
            receiveInputReply(message)
        case .iopub:
            break
        }
    }

    private func serveShell() async {
        for await (sequence, message) in shellQueue {
            if message.msgType == "execute_request" {
                await execute(message, sequence: sequence)
            } else {
                handle(message, on: .shell)
            }
            if state.withLock({ $0.shutdown != nil }) { break }
        }
    }

    /// Answers an XPUB subscription (`\u{1}topic`) with `iopub_welcome` on that topic, so the new subscriber
    /// knows IOPub is live (JEP 65); unsubscriptions (`\u{0}topic`) need nothing.
    private func welcome(subscriptionFrame frame: Data) {
        guard frame.first == 1 else { return }
        let topic = frame.dropFirst()
        let content: JSONValue = ["subscription": .string(String(decoding: topic, as: UTF8.self))]
        let frames = factory.frames(msgType: "iopub_welcome", content: content, parent: nil, identities: [Data(topic)])
        transport.send(frames, on: .iopub)
    }

    // MARK: - Shutdown

    func finish(_ result: ShutdownResult) {
        let waiters = state.withLock { state -> [CheckedContinuation<ShutdownResult, Never>] in
            guard state.shutdown == nil else { return [] }
            state.shutdown = result
            defer { state.shutdownWaiters = [] }
            return state.shutdownWaiters
        }
        shellInput.finish()
        for waiter in waiters { waiter.resume(returning: result) }
    }

    private func waitForShutdown() async -> ShutdownResult {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> ShutdownResult? in
                if let result = state.shutdown { return result }
                state.shutdownWaiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    // MARK: - Sending

    func reply(to request: WireMessage, _ msgType: String, _ content: JSONValue, on channel: MessageChannel) {
        let frames = factory.frames(msgType: msgType, content: content, parent: request.headerBytes,
                                    identities: request.identities)
        transport.send(frames, on: channel)
    }

    func publish(_ msgType: String, content: JSONValue, parent: Data?) {
        publish(msgType, content: content.serialized(), parent: parent)
    }

    func publish(_ msgType: String, content: Data, parent: Data?) {
        let frames = factory.frames(msgType: msgType, content: content, parent: parent,
                                    identities: [factory.topic(msgType)])
        transport.send(frames, on: .iopub)
    }

    func status(_ content: Data, parent: WireMessage) {
        publish("status", content: content, parent: parent.headerBytes)
    }
}

/// Pre-serialized `status` contents: sent twice per request, so not worth encoding each time.
enum StatusContent {
    static let starting = Data(#"{"execution_state":"starting"}"#.utf8)
    static let busy = Data(#"{"execution_state":"busy"}"#.utf8)
    static let idle = Data(#"{"execution_state":"idle"}"#.utf8)
}
