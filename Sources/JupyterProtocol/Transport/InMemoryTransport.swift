import Foundation
import Synchronization

/// A transport made of queues, for driving a `KernelCore` in tests without sockets.
///
/// `inject` plays the client (messages injected before `start` are held until then), and `next(on:)` waits
/// for what the kernel sent, in order, per channel.
public final class InMemoryTransport: MessageTransport {
    private struct State {
        var deliver: (@Sendable (MessageChannel, [Data]) -> Void)?
        var pendingInbound: [(MessageChannel, [Data])] = []
        var outbound: [MessageChannel: [[Data]]] = [:]
        var waiters: [MessageChannel: [CheckedContinuation<[Data], Never>]] = [:]
        var log: [(MessageChannel, [Data])] = []
    }

    private let state = Mutex(State())

    public init() {}

    public func start(deliver: @escaping @Sendable (MessageChannel, [Data]) -> Void) {
        let pending = state.withLock { state in
            state.deliver = deliver
            defer { state.pendingInbound = [] }
            return state.pendingInbound
        }
        for (channel, frames) in pending { deliver(channel, frames) }
    }

    public func send(_ frames: [Data], on channel: MessageChannel) {
        let waiter = state.withLock { state -> CheckedContinuation<[Data], Never>? in
            state.log.append((channel, frames))
            if var waiting = state.waiters[channel], !waiting.isEmpty {
                let first = waiting.removeFirst()
                state.waiters[channel] = waiting
                return first
            }
            state.outbound[channel, default: []].append(frames)
            return nil
        }
        waiter?.resume(returning: frames)
    }

    /// Delivers a message as if a client had sent it.
    public func inject(_ frames: [Data], on channel: MessageChannel) {
        let deliver = state.withLock { state -> (@Sendable (MessageChannel, [Data]) -> Void)? in
            if state.deliver == nil { state.pendingInbound.append((channel, frames)) }
            return state.deliver
        }
        deliver?(channel, frames)
    }

    /// The next message the kernel sent on `channel`, waiting for it if needed.
    public func next(on channel: MessageChannel) async -> [Data] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [Data]? in
                if var queued = state.outbound[channel], !queued.isEmpty {
                    let first = queued.removeFirst()
                    state.outbound[channel] = queued
                    return first
                }
                state.waiters[channel, default: []].append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Every message sent so far on any channel, in the order `send` was called (for cross-channel order).
    public func sentLog() -> [(channel: MessageChannel, frames: [Data])] {
        state.withLock { $0.log.map { (channel: $0.0, frames: $0.1) } }
    }

    /// Messages sent on `channel` and not yet taken by `next(on:)`.
    public func pending(on channel: MessageChannel) -> [[Data]] {
        state.withLock { $0.outbound[channel] ?? [] }
    }
}
