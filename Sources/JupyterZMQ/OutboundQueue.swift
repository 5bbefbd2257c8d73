import Foundation
import JupyterProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Messages waiting for the thread that owns their socket, plus a pipe that wakes that thread's `zmq_poll`.
///
/// Any thread may `push`; only the owner calls `drainWake` and `take`. The owner reads the pipe before taking
/// the queue, so a push between the two can at worst cause one spurious wakeup, never a lost one. A byte is
/// written only when the queue goes from empty to non-empty, so the pipe cannot fill up.
final class OutboundQueue: Sendable {
    private struct State {
        var messages: [(MessageChannel, [Data])] = []
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

    func push(_ frames: [Data], on channel: MessageChannel) {
        let wasEmpty = state.withLock { state -> Bool in
            defer { state.messages.append((channel, frames)) }
            return state.messages.isEmpty
        }
        if wasEmpty { wake() }
    }

    /// Asks the owner to send what is queued, then stop.
    func stop() {
        state.withLock { $0.stopping = true }
        wake()
    }

    /// Everything queued so far, and whether the owner should stop after sending it.
    func take() -> (messages: [(MessageChannel, [Data])], stopping: Bool) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
        return state.withLock { state in
            defer { state.messages = [] }
            return (state.messages, state.stopping)
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }
}
