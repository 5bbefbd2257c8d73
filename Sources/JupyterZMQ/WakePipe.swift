import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Wakes one thread's `poll` from any thread: to look at its sockets again, or to stop.
///
/// Any thread may `wake` or `stop`; only the owner calls `drain`, then looks at its sockets. A byte is
/// written only when none is pending, so the pipe cannot fill up; a wake after `drain` leaves its byte in
/// the pipe for the next `poll`, so it is never lost.
final class WakePipe: Sendable {
    private struct State {
        var pending = false
        var stopping = false
    }

    private let state = Mutex(State())
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() {
        var descriptors: [Int32] = [-1, -1]
        pipe(&descriptors)
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        Glibc.close(readDescriptor)
        Glibc.close(writeDescriptor)
    }

    /// Asks the owner to poll its sockets again.
    func wake() {
        let write = state.withLock { state -> Bool in
            defer { state.pending = true }
            return !state.pending
        }
        if write { signal() }
    }

    /// Asks the owner to stop.
    func stop() {
        state.withLock { $0.stopping = true }
        signal()
    }

    var stopping: Bool { state.withLock { $0.stopping } }

    /// Empties the pipe (owner only), before the owner looks at its sockets again.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
        // Cleared after reading: a wake in between finds `pending` set and writes nothing, but its reason
        // is seen anyway, because the owner looks at its sockets after draining.
        state.withLock { $0.pending = false }
    }

    private func signal() {
        var byte: UInt8 = 1
        _ = Glibc.write(writeDescriptor, &byte, 1)
    }
}
