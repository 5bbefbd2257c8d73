import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection.
///
/// The handshake state and the decoder belong to the transport's loop thread. The outbound side may be
/// written from any thread: `write` sends at once when nothing is waiting (so a reply leaves from the
/// thread that composed it, with no hand-off), and otherwise queues behind what is waiting, which the
/// loop thread sends when the socket is writable again. Order is kept by the lock.
final class ZMTPPeer: @unchecked Sendable {
    let descriptor: Int32
    /// Loop thread only.
    var decoder = ZMTPDecoder()
    /// Loop thread only: the peer's READY has arrived.
    var isReady = false
    /// Loop thread only: a ROUTER's name for this peer (its `Identity`, or one we made up).
    var routingID = Data()
    /// Guarded by the transport's routing lock: an XPUB peer's topic prefixes, one entry per subscribe.
    var subscriptions: [Data] = []

    private struct Output {
        var pending: [UInt8] = []
        var offset = 0
        var closed = false
        var broken = false
    }

    private let output = Mutex(Output())

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Sends `bytes` after everything written before. Returns true when bytes are left waiting, so the
    /// caller must wake the loop thread to watch for writability.
    func write(_ bytes: [UInt8]) -> Bool {
        output.withLock { out in
            guard !out.closed, !out.broken, !bytes.isEmpty else { return false }
            if out.offset < out.pending.count {
                out.pending += bytes
                return false  // the loop thread is already watching
            }
            let sent = bytes.withUnsafeBytes { send(from: $0) }
            guard sent >= 0 else {
                out.broken = true
                return false
            }
            guard sent < bytes.count else { return false }
            out.pending = Array(bytes[sent...])
            out.offset = 0
            return true
        }
    }

    /// Loop thread: sends what is waiting; false when the connection broke.
    func flush() -> Bool {
        output.withLock { out in
            guard !out.closed, !out.broken else { return !out.broken }
            let sent = out.pending.withUnsafeBytes { send(from: UnsafeRawBufferPointer(rebasing: $0[out.offset...])) }
            guard sent >= 0 else {
                out.broken = true
                return false
            }
            out.offset += sent
            if out.offset == out.pending.count {
                out.pending = []
                out.offset = 0
            } else if out.offset >= 1 << 20 {
                out.pending.removeFirst(out.offset)
                out.offset = 0
            }
            return true
        }
    }

    /// Bytes wait to be sent (the loop thread then polls for writability).
    var wantsWrite: Bool {
        output.withLock { !$0.closed && !$0.broken && $0.offset < $0.pending.count }
    }

    /// A send failed for good (the peer went away); the loop thread closes the connection.
    var isBroken: Bool {
        output.withLock { $0.broken }
    }

    /// Loop thread: closes the socket. Under the lock, so no thread can write to a reused descriptor.
    func close() {
        output.withLock { out in
            guard !out.closed else { return }
            out.closed = true
            out.pending = []
            Glibc.close(descriptor)
        }
    }

    /// As much of `bytes` as the socket takes now; -1 when the connection is broken.
    private func send(from bytes: UnsafeRawBufferPointer) -> Int {
        var sent = 0
        while sent < bytes.count {
            let n = Glibc.send(descriptor, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            if n > 0 {
                sent += n
            } else if n < 0, errno == EINTR {
                continue
            } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                return -1
            }
        }
        return sent
    }
}
