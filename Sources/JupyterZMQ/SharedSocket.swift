import Foundation
import Synchronization
internal import CCKZeroMQ

/// A socket that any thread sends on directly and one thread (its poll loop's) receives from.
///
/// Why: handing every outgoing message to the socket's thread cost a wake-up of that thread per message
/// (five per cell), which was most of a trivial cell's round trip. libzmq sockets may move between
/// threads when a full memory barrier separates the uses; the lock is that barrier and keeps one user at a
/// time. The poll loop waits on the socket's `ZMQ_FD`, which is edge-triggered and reset by *any* call that
/// processes the socket's commands, a send included: so after each send the sender looks at `ZMQ_EVENTS`
/// and, if a message became readable meanwhile, wakes the poll loop itself (`onReadable`).
///
/// Closing takes the lock too, so a cell still sending while the kernel shuts down finds the socket closed
/// (and its message dropped, logged by the caller) instead of a freed handle.
final class SharedSocket: Sendable {
    let name: String
    /// The descriptor `poll` waits on (readable when the socket's state may have changed).
    let descriptor: Int32
    private let state: Mutex<ZMQSocket?>

    init(_ socket: ZMQSocket) throws(ZMQError) {
        name = socket.name
        descriptor = try socket.getInt32(ZMQ_FD)
        state = Mutex(socket)
    }

    /// Sends one multipart message; nil when sent, else libzmq's error code (`ENOTSOCK` once closed).
    /// `onReadable` runs (outside the lock) when a message is waiting to be received after the send.
    func send(_ frames: [Data], onReadable: () -> Void) -> Int32? {
        let (failure, readable) = state.withLock { socket -> (Int32?, Bool) in
            guard let socket else { return (ENOTSOCK, false) }
            let failure = socket.send(frames) ? nil : zmq_errno()
            return (failure, socket.readable)
        }
        if readable { onReadable() }
        return failure
    }

    /// Up to `limit` waiting messages, and whether more are waiting after them.
    func receive(limit: Int) -> (messages: [[Data]], more: Bool) {
        state.withLock { socket in
            guard let socket else { return ([], false) }
            var messages: [[Data]] = []
            while messages.count < limit, socket.readable, let frames = socket.receive() {
                messages.append(frames)
            }
            return (messages, socket.readable)
        }
    }

    func close() {
        state.withLock { socket in
            socket?.close()
            socket = nil
        }
    }
}
