import Dispatch
import Foundation
import JupyterProtocol
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A complete kernel process: the ZeroMQ transport, the kernel core and the interpreter, wired together.
///
/// ```swift
/// let server = try KernelServer(connectionFile: path, interpreter: interpreter, logger: logger)
/// server.interruptOnSIGINT()
/// let result = server.run()   // blocks until shutdown_request
/// ```
public final class KernelServer: Sendable {
    public let core: KernelCore
    public let transport: ZMTPTransport
    /// Dispatch sources are thread-safe but not marked `Sendable`; the box only keeps the source alive.
    private struct SignalSourceBox: @unchecked Sendable {
        let source: any DispatchSourceSignal
    }

    private let signalSource = Mutex<SignalSourceBox?>(nil)

    /// The connection info with the ports actually bound.
    public var connection: ConnectionInfo { transport.connection }

    /// Binds the sockets now (so a bad connection file fails before anything runs).
    /// `historyFile` nil keeps history in memory only.
    public init(connection: ConnectionInfo, interpreter: any Interpreter, logger: Logger,
                historyFile: URL? = HistoryStore.defaultLocation()) throws(ZMQError) {
        transport = try ZMTPTransport(connection: connection, logger: logger)
        core = KernelCore(
            interpreter: interpreter, transport: transport, signer: connection.signer,
            history: HistoryStore(fileURL: historyFile, logger: logger), logger: logger)
        let bound = transport.connection
        logger.debug("kernel bound: shell \(bound.shellPort), iopub \(bound.iopubPort), stdin \(bound.stdinPort), control \(bound.controlPort), hb \(bound.hbPort) on \(bound.transport.rawValue)://\(bound.ip)")
    }

    /// Reads the connection file, then binds (errors: `ConnectionFileError` or `ZMQError`).
    public convenience init(connectionFile: String, interpreter: any Interpreter, logger: Logger,
                            historyFile: URL? = HistoryStore.defaultLocation()) throws {
        try self.init(connection: ConnectionInfo.load(path: connectionFile), interpreter: interpreter,
                      logger: logger, historyFile: historyFile)
    }

    /// Serves until a `shutdown_request`, then flushes the last messages and closes the sockets.
    /// Blocks the calling thread (main's); the kernel itself runs on its own threads and tasks.
    public func run() -> ShutdownResult {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex(ShutdownResult(restart: false))
        Task.detached { [core] in
            let outcome = await core.run()
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        transport.close()
        return result.withLock { $0 }
    }

    /// `run()` for async callers.
    public func serve() async -> ShutdownResult {
        let result = await core.run()
        transport.close()
        return result
    }

    /// Interrupts the running cell, as `interrupt_request` does.
    public func interrupt() {
        core.interrupt()
    }

    /// Turns SIGINT (what jupyter_client sends with the default `interrupt_mode: signal`) into `interrupt()`
    /// instead of killing the process.
    public func interruptOnSIGINT() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [core] in core.interrupt() }
        source.resume()
        signalSource.withLock { $0 = SignalSourceBox(source: source) }
    }
}

/// Runs a kernel for `connectionFile` until the client shuts it down; SIGINT interrupts the running cell.
/// Errors: `ConnectionFileError` (unreadable or invalid file) or `ZMQError` (a port cannot be bound).
public func runKernel(connectionFile: String, interpreter: any Interpreter, logger: Logger) throws -> ShutdownResult {
    let server = try KernelServer(connectionFile: connectionFile, interpreter: interpreter, logger: logger)
    server.interruptOnSIGINT()
    return server.run()
}
