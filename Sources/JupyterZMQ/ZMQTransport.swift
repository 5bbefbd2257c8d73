import Foundation
import JupyterProtocol
import Logging
import Synchronization
internal import CCKZeroMQ

/// The five Jupyter sockets over libzmq.
///
/// - the I/O thread receives on shell (ROUTER), stdin (ROUTER) and iopub (XPUB, verbose, so every
///   subscription reaches the core for `iopub_welcome`);
/// - the control thread receives on control (ROUTER) and runs the core's control handler itself, so
///   interrupt, shutdown and kernel_info are answered while a cell runs;
/// - the heartbeat thread runs `zmq_proxy(hb, hb)`, an echo that needs no Swift code per ping.
///
/// Any thread sends directly on shell, stdin, iopub and control (`SharedSocket`: one user at a time, under
/// a lock), so a message leaves when it is made rather than after a wake-up of the receiving thread.
/// High-water marks are off (0 = unlimited) so pipelined bursts are never dropped and a send never blocks,
/// and linger lets the final replies out before the context is terminated.
///
/// `@unchecked Sendable`: the raw context pointer is thread-safe in libzmq; the heartbeat socket is only
/// touched by its thread; everything else is behind `SharedSocket`'s lock.
public final class ZMQTransport: MessageTransport, @unchecked Sendable {
    /// The connection info with the ports actually bound (differs from the file's only for port 0).
    public let connection: ConnectionInfo

    private let context: UnsafeMutableRawPointer
    private let shell: SharedSocket
    private let control: SharedSocket
    private let stdin: SharedSocket
    private let iopub: SharedSocket
    private let heartbeat: ZMQSocket
    private let ioWake = WakePipe()
    private let controlWake = WakePipe()
    private let logger: Logger
    private let threads = Mutex<[DispatchSemaphore]>([])
    private let closed = Mutex(false)

    static let lingerMilliseconds: Int32 = 1000

    /// Creates the context and binds every socket (on the caller's thread; the threads start in `start`).
    public init(connection: ConnectionInfo, logger: Logger) throws(ZMQError) {
        guard let context = zmq_ctx_new() else { throw ZMQSocket.lastError("creating the ZeroMQ context") }
        self.context = context
        self.logger = logger
        var created: [ZMQSocket] = []
        func make(_ type: Int32, _ name: String) throws(ZMQError) -> ZMQSocket {
            let socket = try ZMQSocket(context: context, type: type, name: name)
            created.append(socket)
            try socket.set(ZMQ_LINGER, Self.lingerMilliseconds)
            try socket.set(ZMQ_SNDHWM, 0)
            try socket.set(ZMQ_RCVHWM, 0)
            return socket
        }
        func bind(_ socket: ZMQSocket, _ port: Int) throws(ZMQError) -> Int {
            Self.port(of: try socket.bind(connection.endpoint(port: port)), or: port)
        }
        do {
            let shell = try make(ZMQ_ROUTER, "shell")
            let control = try make(ZMQ_ROUTER, "control")
            let stdin = try make(ZMQ_ROUTER, "stdin")
            let iopub = try make(ZMQ_XPUB, "iopub")
            heartbeat = try make(ZMQ_REP, "heartbeat")
            try iopub.set(ZMQ_XPUB_VERBOSE, 1)
            var bound = connection
            bound.shellPort = try bind(shell, connection.shellPort)
            bound.controlPort = try bind(control, connection.controlPort)
            bound.stdinPort = try bind(stdin, connection.stdinPort)
            bound.iopubPort = try bind(iopub, connection.iopubPort)
            bound.hbPort = try bind(heartbeat, connection.hbPort)
            self.connection = bound
            self.shell = try SharedSocket(shell)
            self.control = try SharedSocket(control)
            self.stdin = try SharedSocket(stdin)
            self.iopub = try SharedSocket(iopub)
        } catch {
            // zmq_ctx_term waits for every socket to be closed.
            for socket in created { socket.close() }
            zmq_ctx_term(context)
            throw error
        }
    }

    public func start(deliver: @escaping @Sendable (MessageChannel, [Data]) -> Void) {
        // Still on the binding thread, before the I/O thread owns the socket: answer early subscribers first.
        for frames in iopub.receive(limit: .max).messages { deliver(.iopub, frames) }
        spawn("heartbeat") { [heartbeat, logger] in
            // Returns when the context shuts down (ETERM).
            zmq_proxy(heartbeat.handle, heartbeat.handle, nil)
            logger.debug("heartbeat stopped")
            heartbeat.close()
        }
        spawn("control") { [self] in
            serve([(control, .control)], wake: controlWake, deliver: deliver)
        }
        spawn("io") { [self] in
            serve([(shell, .shell), (stdin, .stdin), (iopub, .iopub)], wake: ioWake, deliver: deliver)
        }
    }

    /// Sends on the caller's thread. A message arriving meanwhile may have been noticed only by this send
    /// (see `SharedSocket`), so then the receiving thread is woken to take it.
    public func send(_ frames: [Data], on channel: MessageChannel) {
        let (socket, wake): (SharedSocket, WakePipe) = switch channel {
        case .shell: (shell, ioWake)
        case .stdin: (stdin, ioWake)
        case .iopub: (iopub, ioWake)
        case .control: (control, controlWake)
        }
        if let code = socket.send(frames, onReadable: wake.wake) {
            logger.warning("sending on \(channel.rawValue) failed: \(String(cString: zmq_strerror(code)))")
        }
    }

    /// Stops the threads and terminates the context (waiting at most the linger time for peers to take the
    /// last messages, which were handed to libzmq when they were sent).
    public func close() {
        guard closed.withLock({ wasClosed in
            defer { wasClosed = true }
            return !wasClosed
        }) else { return }
        ioWake.stop()
        controlWake.stop()
        let started = threads.withLock { $0 }
        if started.isEmpty {
            for socket in [shell, control, stdin, iopub] { socket.close() }
            heartbeat.close()
        } else {
            // I/O and control close their own sockets; then the proxy is woken with ETERM.
            for done in started.dropFirst() { done.wait() }
            zmq_ctx_shutdown(context)
            started[0].wait()
        }
        zmq_ctx_term(context)
    }

    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        threads.withLock { $0.append(done) }
        let thread = Thread {
            body()
            done.signal()
        }
        thread.name = "kernel-\(name)"
        thread.start()
    }

    /// The receive loop of one thread: deliver whatever arrives until told to stop. It blocks in `poll` only
    /// when no socket has a message waiting (`ZMQ_EVENTS`), as libzmq's edge-triggered `ZMQ_FD` requires.
    private func serve(_ sockets: [(SharedSocket, MessageChannel)], wake: WakePipe,
                       deliver: @Sendable (MessageChannel, [Data]) -> Void) {
        var descriptors = sockets.map { pollfd(fd: $0.0.descriptor, events: Int16(POLLIN), revents: 0) }
        descriptors.append(pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0))
        defer { for (socket, _) in sockets { socket.close() } }
        while true {
            var more = false
            for (socket, channel) in sockets {
                // A bounded batch per socket and turn keeps replies flowing during a pipelined burst.
                let (messages, waiting) = socket.receive(limit: 256)
                for frames in messages { deliver(channel, frames) }
                more = more || waiting
            }
            if wake.stopping { return }
            if more { continue }
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0, errno != EINTR {
                logger.error("poll failed: \(String(cString: strerror(errno)))")
                return
            }
            wake.drain()
        }
    }

    private static func port(of endpoint: String, or fallback: Int) -> Int {
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":") else { return fallback }
        return Int(endpoint[endpoint.index(after: colon)...]) ?? fallback
    }
}
