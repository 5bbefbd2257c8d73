import Foundation
import JupyterProtocol

#if canImport(Glibc)
import Glibc
#endif

/// One listening socket of the kernel (`tcp://ip:port` or `ipc://path`), non-blocking, close-on-exec.
final class ZMTPListener: @unchecked Sendable {
    let descriptor: Int32
    let name: String
    /// The port actually bound (the OS's choice for tcp port 0; for ipc, the port from the connection file).
    let port: Int
    /// The socket file of an ipc listener, removed on close as libzmq does.
    private let socketPath: String?

    /// Binds and listens. `ip` is a numeric IPv4 or IPv6 address, `*` (every interface) or a host name.
    init(transport: ConnectionInfo.TransportKind, ip: String, port: Int, name: String) throws(ZMQError) {
        self.name = name
        switch transport {
        case .tcp:
            (descriptor, self.port) = try Self.bindTCP(ip: ip, port: port, name: name)
            socketPath = nil
        case .ipc:
            let path = "\(ip)-\(port)"
            descriptor = try Self.bindUnix(path: path, name: name)
            self.port = port
            socketPath = path
        }
        guard listen(descriptor, 128) == 0 else {
            let error = ZMQError.posix("listening on the \(name) socket")
            Glibc.close(descriptor)
            throw error
        }
    }

    /// Why `accept` returned nothing: none waiting, or the process is out of descriptors (the connection
    /// stays queued, so the listener stays readable and the caller must not spin on it).
    private(set) var outOfDescriptors = false

    /// The next waiting connection, non-blocking, with Nagle off for tcp; nil when none is waiting.
    func accept() -> Int32? {
        outOfDescriptors = false
        while true {
            let fd = Glibc.accept(descriptor, nil, nil)
            if fd >= 0 {
                // accept4 is not in the Glibc module; the flags are set just after, before any use.
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                if socketPath == nil {
                    var one: Int32 = 1
                    _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                }
                return fd
            }
            if errno == EINTR || errno == ECONNABORTED { continue }
            outOfDescriptors = [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(errno)
            return nil
        }
    }

    func close() {
        Glibc.close(descriptor)
        if let socketPath { unlink(socketPath) }
    }

    private static func socket(_ family: Int32, name: String) throws(ZMQError) -> Int32 {
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ZMQError.posix("creating the \(name) socket") }
        return fd
    }

    private static func bindTCP(ip: String, port: Int, name: String) throws(ZMQError) -> (Int32, Int) {
        guard (0...65535).contains(port) else {
            throw ZMQError(operation: "binding the \(name) socket", code: EINVAL,
                           message: "port \(port) is outside 0…65535")
        }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        var host = ip
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let status = getaddrinfo(host == "*" ? nil : host, String(port), &hints, &found)
        guard status == 0, let first = found else {
            throw ZMQError(operation: "binding the \(name) socket to \(ip):\(port)", code: EINVAL,
                           message: "the address cannot be resolved (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(found) }
        // IPv4 first when a name has both (as libzmq binds `*` and host names): clients write 127.0.0.1.
        var chosen = first
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let candidate = next {
            if candidate.pointee.ai_family == AF_INET {
                chosen = candidate
                break
            }
            next = candidate.pointee.ai_next
        }
        let fd = try socket(chosen.pointee.ai_family, name: name)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, chosen.pointee.ai_addr, chosen.pointee.ai_addrlen) == 0 else {
            let error = ZMQError.posix("binding the \(name) socket to \(ip):\(port)")
            Glibc.close(fd)
            throw error
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0 else { return (fd, port) }
        let netPort: UInt16 = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
        }
        // sin_port and sin6_port sit at the same offset.
        return (fd, Int(UInt16(bigEndian: netPort)))
    }

    private static func bindUnix(path: String, name: String) throws(ZMQError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw ZMQError(operation: "binding the \(name) socket to ipc://\(path)", code: ENAMETOOLONG,
                           message: "the socket path is \(bytes.count) bytes; it must be 1…\(capacity - 1)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let fd = try socket(AF_UNIX, name: name)
        // A socket file left by a kernel that died would make bind fail; libzmq removes it the same way.
        unlink(path)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let error = ZMQError.posix("binding the \(name) socket to ipc://\(path)")
            Glibc.close(fd)
            throw error
        }
        return fd
    }
}

extension ZMQError {
    /// The failed system call's errno, with the C library's message.
    static func posix(_ operation: String) -> ZMQError {
        let code = errno
        return ZMQError(operation: operation, code: code, message: String(cString: strerror(code)))
    }
}
