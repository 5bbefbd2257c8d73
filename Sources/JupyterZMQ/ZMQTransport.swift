import Foundation
import JupyterProtocol
import Logging
import Synchronization
internal import CCKZeroMQ

/// The five Jupyter sockets over libzmq, each owned by exactly one thread.
///
/// - the I/O thread owns shell (ROUTER), stdin (ROUTER) and iopub (XPUB, verbose, so every subscription
///   reaches the core for `iopub_welcome`);
/// - the control thread owns control (ROUTER) and runs the core's control handler itself, so interrupt,
///   shutdown and kernel_info are answered while a cell runs;
/// - the heartbeat thread runs `zmq_proxy(hb, hb)`, an echo that needs no Swift code per ping.
///
/// Other threads never touch a socket: `send` puts the frames on the owner's queue and wakes its `zmq_poll`
/// through a pipe. High-water marks are off (0 = unlimited) so pipelined bursts are never dropped, and
/// linger lets the final replies out before the context is terminated.
///
/// `@unchecked Sendable`: the raw context pointer is thread-safe in libzmq, and each socket is only touched by
/// its owning thread as described above; everything shared is behind the queues' locks.
public final class ZMQTransport: MessageTransport, @unchecked Sendable {
    /// The connection info with the ports actually bound (differs from the file's only for port 0).
    public let connection: ConnectionInfo

    private let context: UnsafeMutableRawPointer
    private let shell: ZMQSocket
    private let control: ZMQSocket
    private let stdin: ZMQSocket
    private let iopub: ZMQSocket
    private let heartbeat: ZMQSocket
    private let ioQueue = OutboundQueue()
    private let controlQueue = OutboundQueue()
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
            shell = try make(ZMQ_ROUTER, "shell")
            control = try make(ZMQ_ROUTER, "control")
            stdin = try make(ZMQ_ROUTER, "stdin")
            iopub = try make(ZMQ_XPUB, "iopub")
            heartbeat = try make(ZMQ_REP, "heartbeat")
            try iopub.set(ZMQ_XPUB_VERBOSE, 1)
            var bound = connection
            bound.shellPort = try bind(shell, connection.shellPort)
            bound.controlPort = try bind(control, connection.controlPort)
            bound.stdinPort = try bind(stdin, connection.stdinPort)
            bound.iopubPort = try bind(iopub, connection.iopubPort)
            bound.hbPort = try bind(heartbeat, connection.hbPort)
            self.connection = bound
        } catch {
            // zmq_ctx_term waits for every socket to be closed.
            for socket in created { socket.close() }
            zmq_ctx_term(context)
            throw error
        }
    }

    public func start(deliver: @escaping @Sendable (MessageChannel, [Data]) -> Void) {
        // Still on the binding thread, before the I/O thread owns the socket: answer early subscribers first.
        while let frames = iopub.receive() { deliver(.iopub, frames) }
        spawn("heartbeat") { [heartbeat, logger] in
            // Returns when the context shuts down (ETERM).
            zmq_proxy(heartbeat.handle, heartbeat.handle, nil)
            logger.debug("heartbeat stopped")
            heartbeat.close()
        }
        spawn("control") { [self] in
            serve([(control, .control)], queue: controlQueue, deliver: deliver)
        }
        spawn("io") { [self] in
            serve([(shell, .shell), (stdin, .stdin), (iopub, .iopub)], queue: ioQueue, deliver: deliver)
        }
    }

    public func send(_ frames: [Data], on channel: MessageChannel) {
        (channel == .control ? controlQueue : ioQueue).push(frames, on: channel)
    }

    /// Sends everything already queued, stops the threads and terminates the context (waiting at most the
    /// linger time for peers to take the last messages).
    public func close() {
        guard closed.withLock({ wasClosed in
            defer { wasClosed = true }
            return !wasClosed
        }) else { return }
        ioQueue.stop()
        controlQueue.stop()
        let started = threads.withLock { $0 }
        if started.isEmpty {
            for socket in [shell, control, stdin, iopub, heartbeat] { socket.close() }
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

    /// The poll loop of one thread: deliver whatever arrives, send whatever is queued, until told to stop.
    private func serve(_ sockets: [(ZMQSocket, MessageChannel)], queue: OutboundQueue,
                       deliver: @Sendable (MessageChannel, [Data]) -> Void) {
        var items = sockets.map { zmq_pollitem_t(socket: $0.0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        items.append(zmq_pollitem_t(socket: nil, fd: queue.readDescriptor, events: Int16(ZMQ_POLLIN), revents: 0))
        let socketFor = Dictionary(uniqueKeysWithValues: sockets.map { ($0.1, $0.0) })
        defer { for (socket, _) in sockets { socket.close() } }
        while true {
            let rc = zmq_poll(&items, Int32(items.count), -1)
            if rc < 0 {
                let code = zmq_errno()
                if code == EINTR { continue }
                logger.error("zmq_poll failed: \(String(cString: zmq_strerror(code)))")
                return
            }
            for (index, (socket, channel)) in sockets.enumerated() where items[index].revents & Int16(ZMQ_POLLIN) != 0 {
                // A bounded batch per wakeup keeps replies flowing during a pipelined burst.
                var count = 0
                while count < 256, let frames = socket.receive() {
                    deliver(channel, frames)
                    count += 1
                }
            }
            let (messages, stopping) = queue.take()
            for (channel, frames) in messages {
                guard let socket = socketFor[channel] else { continue }
                if !socket.send(frames) {
                    logger.warning("sending on \(channel.rawValue) failed: \(String(cString: zmq_strerror(zmq_errno())))")
                }
            }
            if stopping { return }
        }
    }

    private static func port(of endpoint: String, or fallback: Int) -> Int {
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":") else { return fallback }
        return Int(endpoint[endpoint.index(after: colon)...]) ?? fallback
    }
}
