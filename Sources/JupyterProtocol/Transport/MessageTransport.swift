import Foundation

/// The channels a kernel talks on (the heartbeat never reaches the core).
public enum MessageChannel: String, Sendable, CaseIterable {
    case shell, control, stdin, iopub
}

/// The seam between the kernel core and the sockets.
///
/// Frames are raw multipart messages; signing and parsing are the core's job. Inbound messages are pushed to
/// the handler given to `start`: on `.shell`, `.control` and `.stdin` they are requests, on `.iopub` they are
/// XPUB subscription frames (`\u{1}topic`). The transport may call the handler from its own threads, so it
/// must be thread-safe. It must not block: the ZMTP transport delivers everything, heartbeats included, from
/// one thread, so a `.control` request is answered there in the time its reply takes to compose.
public protocol MessageTransport: Sendable {
    /// Begins delivering inbound messages. Subscriptions that are already waiting should be delivered before
    /// `start` returns, so a client that subscribed early gets `iopub_welcome` before `status: starting`.
    func start(deliver: @escaping @Sendable (MessageChannel, [Data]) -> Void)
    /// Queues one outgoing message; callable from any thread, never blocks, keeps the order of calls.
    /// On `.iopub` the first frame is the topic.
    func send(_ frames: [Data], on channel: MessageChannel)
}
