/// Setting up a kernel socket failed (resolving, binding, listening): the socket, the endpoint and the
/// system's message. The name is from the libzmq days; callers match on it.
public struct ZMQError: Error, Equatable, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    public var message: String

    public init(operation: String, code: Int32, message: String) {
        self.operation = operation
        self.code = code
        self.message = message
    }

    public var description: String {
        var text = "\(operation) failed: \(message) (errno \(code))"
        if code == 98 {
            text += "; the port is taken (by another process, or twice in one connection file): start the kernel with a fresh connection file"
        }
        return text
    }
}
