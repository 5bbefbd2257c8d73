import Foundation
import JupyterProtocol
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The five Jupyter sockets, speaking ZMTP 3.0 ourselves on plain non-blocking sockets.
///
/// Why not libzmq: its I/O thread sits between TCP and the thread that handles a request, and again
/// between the thread that composes a reply and TCP, so every round trip paid four thread hand-offs
/// (session 17's probe: a third of our part of a trivial cell's round trip). Here one loop thread
/// accepts, reads and delivers, and a reply is written to the socket by the thread that composed it.
///
/// What each socket does, as the libzmq socket it replaces:
/// - shell, control, stdin are ROUTERs: an inbound message is delivered with the peer's routing ID as its
///   first frame, and an outbound one goes to the peer its first frame names (dropped if none has it);
/// - iopub is an XPUB in verbose mode: each subscription (`\u{1}topic`) is delivered, so the core can
///   answer it with `iopub_welcome`, and a message goes to every peer with a subscription that is a
///   prefix of its first frame;
/// - heartbeat echoes every message, which is what `zmq_proxy(REP, REP)` did.
///
/// Control requests are delivered on the loop thread, as they were on the old control thread, so interrupt and
/// shutdown are answered while a cell runs (cells run on the cooperative pool, never here).
/// There are no high-water marks (what a slow client has not taken waits in memory, as with HWM 0),
/// and `close` lets the last replies out for up to a second (libzmq's linger).
public final class ZMTPTransport: MessageTransport, @unchecked Sendable {
    /// The connection info with the ports actually bound (differs from the file's only for port 0).
    public let connection: ConnectionInfo

    /// What a listening socket is for.
    enum Role: Equatable {
        case router(MessageChannel)
        case publisher
        case echo

        var socketType: String {
            switch self {
            case .router: "ROUTER"
            case .publisher: "XPUB"
            case .echo: "REP"
            }
        }

        /// The socket types libzmq lets connect to ours.
        var peerTypes: Set<String> {
            switch self {
            case .router: ["DEALER", "REQ", "ROUTER"]
            case .publisher: ["SUB", "XSUB"]
            case .echo: ["REQ", "DEALER"]
            }
        }
    }

    private struct Routes {
        var routers: [MessageChannel: [Data: ZMTPPeer]] = [:]
        var subscribers: [ObjectIdentifier: ZMTPPeer] = [:]
        var nextRoutingID: UInt32 = 0x6B8B_4567
    }

    private struct Lifecycle {
        var deliver: (@Sendable (MessageChannel, [Data]) -> Void)?
        /// What arrived before `start`, delivered in order when it is called.
        var early: [(MessageChannel, [Data])] = []
        var started: DispatchSemaphore?
        var stopping = false
    }

    /// At most this many connections at once; more are closed on arrival (a Jupyter client opens five).
    static let maximumPeers = 256
    /// Subscriptions one iopub peer may hold (a Jupyter client makes one); each is answered with a welcome.
    static let maximumSubscriptions = 1024
    static let linger = Duration.seconds(1)

    /// A connection that has not finished its handshake by then is closed (libzmq's `ZMQ_HANDSHAKE_IVL`
    /// default), so half-open strangers cannot hold the peer slots.
    private let handshakeTimeout: Duration

    private let listeners: [(listener: ZMTPListener, role: Role)]
    private let routes = Mutex(Routes())
    private let lifecycle = Mutex(Lifecycle())
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let stopped = DispatchSemaphore(value: 0)
    private let closed = Mutex(false)
    private let logger: Logger

    /// Binds every socket and starts the loop thread, which accepts and completes handshakes at once;
    /// requests that arrive before `start` wait for it.
    public init(connection: ConnectionInfo, logger: Logger, handshakeTimeout: Duration = .seconds(30)) throws(ZMQError) {
        self.logger = logger
        self.handshakeTimeout = handshakeTimeout
        var bound = connection
        var made: [(ZMTPListener, Role)] = []
        func listen(_ port: Int, _ name: String, _ role: Role) throws(ZMQError) -> Int {
            let listener = try ZMTPListener(transport: connection.transport, ip: connection.ip, port: port, name: name)
            made.append((listener, role))
            return listener.port
        }
        do {
            bound.shellPort = try listen(connection.shellPort, "shell", .router(.shell))
            bound.controlPort = try listen(connection.controlPort, "control", .router(.control))
            bound.stdinPort = try listen(connection.stdinPort, "stdin", .router(.stdin))
            bound.iopubPort = try listen(connection.iopubPort, "iopub", .publisher)
            bound.hbPort = try listen(connection.hbPort, "heartbeat", .echo)
        } catch {
            for (listener, _) in made { listener.close() }
            throw error
        }
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            let error = ZMQError.posix("creating the transport's wake-up pipe")
            for (listener, _) in made { listener.close() }
            throw error
        }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = descriptors[0]
        wakeWrite = descriptors[1]
        listeners = made.map { (listener: $0.0, role: $0.1) }
        self.connection = bound
        let thread = Thread { [self] in
            serve()
            stopped.signal()
        }
        thread.name = "kernel-io"
        thread.start()
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    public func start(deliver: @escaping @Sendable (MessageChannel, [Data]) -> Void) {
        let drained = DispatchSemaphore(value: 0)
        let stopping = lifecycle.withLock { state -> Bool in
            state.deliver = deliver
            state.started = drained
            return state.stopping
        }
        guard !stopping else { return }
        wake()
        drained.wait()
    }

    public func send(_ frames: [Data], on channel: MessageChannel) {
        let targets: [ZMTPPeer]
        let bytes: [UInt8]
        if channel == .iopub {
            guard let topic = frames.first else { return }
            targets = routes.withLock { routes in
                routes.subscribers.values.filter { peer in peer.subscriptions.contains { topic.starts(with: $0) } }
            }
            guard !targets.isEmpty else { return }
            bytes = ZMTPEncoding.message(frames)
        } else {
            guard let id = frames.first,
                  let peer = routes.withLock({ $0.routers[channel]?[id] }) else { return }
            targets = [peer]
            bytes = ZMTPEncoding.message(frames.dropFirst())
        }
        var waiting = false
        for peer in targets where peer.write(bytes) { waiting = true }
        if waiting { wake() }
    }

    /// Sends what is still waiting (for at most the linger time), then closes every socket.
    public func close() {
        guard closed.withLock({ wasClosed in
            defer { wasClosed = true }
            return !wasClosed
        }) else { return }
        lifecycle.withLock { $0.stopping = true }
        wake()
        stopped.wait()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    // MARK: - The loop thread

    private final class Connection {
        let peer: ZMTPPeer
        let role: Role
        /// When the handshake must be done by.
        let deadline: ContinuousClock.Instant
        init(peer: ZMTPPeer, role: Role, deadline: ContinuousClock.Instant) {
            self.peer = peer
            self.role = role
            self.deadline = deadline
        }
    }

    private func serve() {
        var connections: [Int32: Connection] = [:]
        // Not zero-filled: only the pages that reads fill become resident (a few KiB for most messages).
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { buffer.deallocate() }
        var lingerDeadline: ContinuousClock.Instant?
        var items: [pollfd] = []
        while true {
            let stopping = lifecycle.withLock { $0.stopping }
            if stopping {
                let deadline = lingerDeadline ?? .now + Self.linger
                lingerDeadline = deadline
                if .now >= deadline || !connections.values.contains(where: { $0.peer.wantsWrite }) { break }
            }
            items.removeAll(keepingCapacity: true)
            items.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            if !stopping {
                for (listener, _) in listeners { items.append(pollfd(fd: listener.descriptor, events: Int16(POLLIN), revents: 0)) }
            }
            let firstPeer = items.count
            let order = Array(connections.keys)
            for fd in order {
                var events = stopping ? 0 : Int16(POLLIN)
                if connections[fd]!.peer.wantsWrite { events |= Int16(POLLOUT) }
                items.append(pollfd(fd: fd, events: events, revents: 0))
            }
            var timeout: Int32 = stopping ? 10 : -1
            if !stopping, let first = connections.values.lazy.filter({ !$0.peer.isReady }).map(\.deadline).min() {
                let left = max(ContinuousClock.now.duration(to: first), .zero)
                timeout = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            }
            let rc = poll(&items, nfds_t(items.count), timeout)
            if rc < 0 {
                if errno == EINTR { continue }
                logger.error("poll failed: \(String(cString: strerror(errno)))")
                break
            }
            if items[0].revents != 0 { drainWake() }
            if !stopping {
                for (index, (listener, role)) in listeners.enumerated() where items[1 + index].revents & Int16(POLLIN) != 0 {
                    while let fd = listener.accept() {
                        guard connections.count < Self.maximumPeers else {
                            logger.warning("refused a connection on \(listener.name): \(Self.maximumPeers) are open")
                            Glibc.close(fd)
                            continue
                        }
                        let peer = ZMTPPeer(descriptor: fd)
                        connections[fd] = Connection(peer: peer, role: role, deadline: .now + handshakeTimeout)
                        _ = peer.write(ZMTPEncoding.greeting + ZMTPEncoding.ready(socketType: role.socketType))
                    }
                    if listener.outOfDescriptors {
                        logger.warning("cannot accept on \(listener.name): \(String(cString: strerror(errno)))")
                        usleep(50_000)  // the connection stays queued; try again shortly instead of spinning
                    }
                }
            }
            for (offset, fd) in order.enumerated() {
                let revents = items[firstPeer + offset].revents
                guard revents != 0, let connection = connections[fd] else { continue }
                var open = true
                if revents & Int16(POLLOUT) != 0 { open = connection.peer.flush() }
                if open, revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    open = read(connection, into: buffer)
                }
                if !open || connection.peer.isBroken {
                    drop(connection)
                    connections[fd] = nil
                }
            }
            let now = ContinuousClock.now
            for (fd, connection) in connections where !connection.peer.isReady && connection.deadline <= now {
                logger.info("closed a connection that did not finish its ZMTP handshake in time")
                drop(connection)
                connections[fd] = nil
            }
            deliverEarlyIfStarted()
        }
        for connection in connections.values { drop(connection) }
        for (listener, _) in listeners { listener.close() }
        // A `start` still waiting (the transport closed first) must not hang.
        lifecycle.withLock { state in
            state.started?.signal()
            state.started = nil
        }
    }

    /// Reads what the socket holds and acts on it; false when the connection is over.
    private func read(_ connection: Connection, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let count = Glibc.recv(connection.peer.descriptor, buffer.baseAddress, buffer.count, 0)
        if count == 0 { return false }
        if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
        do throws(ZMTPProtocolError) {
            let events = try connection.peer.decoder.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            for event in events { try handle(event, from: connection) }
            return true
        } catch {
            logger.warning("closed a connection: \(error.description)")
            return false
        }
    }

    private func handle(_ event: ZMTPEvent, from connection: Connection) throws(ZMTPProtocolError) {
        let peer = connection.peer
        switch event {
        case .greeting(let greeting):
            guard greeting.mechanism == "NULL" else {
                throw ZMTPProtocolError(description: "the peer asks for the \(greeting.mechanism) mechanism; Jupyter uses NULL")
            }
        case .command(let name, let body):
            try command(name, body, from: connection)
        case .message(let frames):
            guard peer.isReady else { throw ZMTPProtocolError(description: "a message arrived before READY") }
            switch connection.role {
            case .router(let channel):
                deliver([peer.routingID] + frames, on: channel)
            case .publisher:
                if let frame = frames.first { try subscription(frame, from: peer) }
            case .echo:
                if peer.write(ZMTPEncoding.message(frames)) { wake() }
            }
        }
    }

    private func command(_ name: String, _ body: Data, from connection: Connection) throws(ZMTPProtocolError) {
        let peer = connection.peer
        switch name {
        case "READY":
            guard !peer.isReady else { throw ZMTPProtocolError(description: "a second READY") }
            let properties = try ZMTPDecoder.properties(ofReady: body)
            let type = properties["socket-type"].map { String(decoding: $0, as: UTF8.self) } ?? ""
            guard connection.role.peerTypes.contains(type) else {
                throw ZMTPProtocolError(description: "a \(type.isEmpty ? "socket without a type" : type) cannot talk to \(connection.role.socketType)")
            }
            peer.isReady = true
            guard case .router(let channel) = connection.role else { return }
            let identity = properties["identity"] ?? Data()
            guard identity.count <= 255 else { throw ZMTPProtocolError(description: "an identity of \(identity.count) bytes (255 at most)") }
            routes.withLock { routes in
                if identity.isEmpty {
                    // libzmq's form: a zero byte, then a 32-bit counter.
                    routes.nextRoutingID &+= 1
                    let id = routes.nextRoutingID
                    peer.routingID = Data([0, UInt8(id >> 24), UInt8(truncatingIfNeeded: id >> 16),
                                           UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)])
                } else {
                    peer.routingID = identity
                }
                // The newest connection with an identity takes its replies (a client that reconnected).
                routes.routers[channel, default: [:]][peer.routingID] = peer
            }
        case "ERROR":
            throw ZMTPProtocolError(description: "the peer reported: \(String(decoding: body.dropFirst(), as: UTF8.self))")
        case "PING":
            // TTL (2 bytes), then up to 16 bytes of context that PONG returns.
            if peer.write(ZMTPEncoding.command("PONG", Array(body.dropFirst(2).prefix(16)))) { wake() }
        case "SUBSCRIBE" where connection.role == .publisher:
            try subscription(Data([1]) + body, from: peer)
        case "CANCEL" where connection.role == .publisher:
            try subscription(Data([0]) + body, from: peer)
        default:
            break  // PONG, and commands of later versions, need nothing
        }
    }

    /// An XPUB's inbound frame: `\u{1}topic` subscribes (and is handed up), `\u{0}topic` unsubscribes.
    private func subscription(_ frame: Data, from peer: ZMTPPeer) throws(ZMTPProtocolError) {
        guard let kind = frame.first, kind <= 1 else { return }
        let topic = Data(frame.dropFirst())
        try routes.withLock { routes throws(ZMTPProtocolError) in
            if kind == 1 {
                guard peer.subscriptions.count < Self.maximumSubscriptions else {
                    throw ZMTPProtocolError(description: "over \(Self.maximumSubscriptions) subscriptions from one peer")
                }
                peer.subscriptions.append(topic)
                routes.subscribers[ObjectIdentifier(peer)] = peer
            } else if let index = peer.subscriptions.firstIndex(of: topic) {
                peer.subscriptions.remove(at: index)
            }
        }
        if kind == 1 { deliver([frame], on: .iopub) }
    }

    private func deliver(_ frames: [Data], on channel: MessageChannel) {
        let handler = lifecycle.withLock { state -> (@Sendable (MessageChannel, [Data]) -> Void)? in
            guard state.deliver != nil, state.early.isEmpty else {
                state.early.append((channel, frames))
                return nil
            }
            return state.deliver
        }
        handler?(channel, frames)
    }

    /// Once `start` has been called: hands up what arrived before it, in order, then lets `start` return.
    private func deliverEarlyIfStarted() {
        let (handler, early, started) = lifecycle.withLock { state in
            guard let started = state.started, let handler = state.deliver else {
                return (nil as (@Sendable (MessageChannel, [Data]) -> Void)?, [(MessageChannel, [Data])](), nil as DispatchSemaphore?)
            }
            defer {
                state.early = []
                state.started = nil
            }
            return (handler, state.early, started)
        }
        guard let handler, let started else { return }
        for (channel, frames) in early { handler(channel, frames) }
        started.signal()
    }

    private func drop(_ connection: Connection) {
        let peer = connection.peer
        routes.withLock { routes in
            if case .router(let channel) = connection.role, routes.routers[channel]?[peer.routingID] === peer {
                routes.routers[channel]?[peer.routingID] = nil
            }
            routes.subscribers[ObjectIdentifier(peer)] = nil
        }
        peer.close()
    }

    private func drainWake() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while Glibc.read(wakeRead, &bytes, bytes.count) > 0 {}
    }
}
