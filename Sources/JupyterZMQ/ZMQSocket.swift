import Foundation
internal import CCKZeroMQ

/// One libzmq socket. Not thread-safe, like the socket it wraps: exactly one thread uses it at a time.
final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let name: String

    init(context: UnsafeMutableRawPointer, type: Int32, name: String) throws(ZMQError) {
        guard let handle = zmq_socket(context, type) else { throw Self.lastError("creating the \(name) socket") }
        self.handle = handle
        self.name = name
    }

    func set(_ option: Int32, _ value: Int32) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw Self.lastError("setting option \(option) on the \(name) socket")
        }
    }

    func set(_ option: Int32, bytes: [UInt8]) throws(ZMQError) {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw Self.lastError("setting option \(option) on the \(name) socket") }
    }

    /// Binds and returns the endpoint actually bound (with the port chosen for `tcp://ip:*`).
    @discardableResult
    func bind(_ endpoint: String) throws(ZMQError) -> String {
        guard zmq_bind(handle, endpoint) == 0 else { throw Self.lastError("binding the \(name) socket to \(endpoint)") }
        return lastEndpoint() ?? endpoint
    }

    func connect(_ endpoint: String) throws(ZMQError) {
        guard zmq_connect(handle, endpoint) == 0 else {
            throw Self.lastError("connecting the \(name) socket to \(endpoint)")
        }
    }

    func lastEndpoint() -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One multipart message; without `wait`, nil when none is waiting.
    func receive(wait: Bool = false) -> [Data]? {
        var frames: [Data] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            let flags: Int32 = (frames.isEmpty && !wait) ? ZMQ_DONTWAIT : 0
            guard zmq_msg_recv(&message, handle, flags) >= 0 else {
                // Only the first frame can be missing: the rest of a multipart message arrives with it.
                return nil
            }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Sends a multipart message; returns false (errno set) when libzmq refuses.
    @discardableResult
    func send(_ frames: [Data]) -> Bool {
        for (index, frame) in frames.enumerated() {
            let flags: Int32 = index == frames.count - 1 ? 0 : ZMQ_SNDMORE
            let rc = frame.withUnsafeBytes { raw in zmq_send(handle, raw.baseAddress, raw.count, flags) }
            if rc < 0 { return false }
        }
        return true
    }

    func close() {
        zmq_close(handle)
    }

    static func lastError(_ operation: String) -> ZMQError {
        let code = zmq_errno()
        return ZMQError(operation: operation, code: code, message: String(cString: zmq_strerror(code)))
    }
}
