#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import TestSupport

/// A tiny HTTP/1.1 server on 127.0.0.1 whose answers a test scripts, to produce faults that a real
/// server will not: errors then success, throttling, connections closed mid-body, stalls.
final class ScriptedServer: Sendable {
    enum Action: Sendable {
        case respond(status: Int, headers: [String: String] = [:], body: Data = Data())
        /// Sends headers promising `declaredLength` bytes, then `sent`, then closes the connection.
        case closeMidBody(declaredLength: Int, sent: Data)
        /// Sends the body without a Content-Length (the end is the closed connection), then closes.
        case respondUntilClose(status: Int, body: Data)
        /// Accepts the request and never answers (until the client goes away or the server stops).
        case stall
    }

    /// Decides the answer from the request path and how many times that path was asked for (1, 2, …).
    typealias Script = @Sendable (_ path: String, _ count: Int) -> Action

    let port: Int
    private let listener: Int32
    private let script: Script
    private let counts = Mutex<[String: Int]>([:])
    /// Every request's header lines by path (names in lower case), in arrival order.
    private let heads = Mutex<[String: [[String: String]]]>([:])
    private let stopped = Atomic<Bool>(false)
    private let acceptorDone = DispatchSemaphore(value: 0)

    init(script: @escaping Script) throws {
        (listener, port) = try Sockets.listen()
        self.script = script
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func count(_ path: String) -> Int { counts.withLock { $0[path] ?? 0 } }

    /// The headers of each request for `path` so far (names in lower case).
    func headers(_ path: String) -> [[String: String]] { heads.withLock { $0[path] ?? [] } }

    func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        acceptorDone.wait()
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            var yes: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
        acceptorDone.signal()
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer = Data()
        while !stopped.load(ordering: .sequentiallyConsistent) {
            guard let (path, headers) = readRequest(connection, &buffer) else { return }
            heads.withLock { $0[path, default: []].append(headers) }
            let count = counts.withLock { counts in
                counts[path, default: 0] += 1
                return counts[path]!
            }
            switch script(path, count) {
            case .respond(let status, let headers, let body):
                var head = "HTTP/1.1 \(status) Scripted\r\nContent-Length: \(body.count)\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                head += "\r\n"
                guard Sockets.sendAll(connection, Data(head.utf8) + body) else { return }
            case .closeMidBody(let declared, let sent):
                let head = "HTTP/1.1 200 OK\r\nContent-Length: \(declared)\r\n\r\n"
                _ = Sockets.sendAll(connection, Data(head.utf8) + sent)
                return
            case .respondUntilClose(let status, let body):
                let head = "HTTP/1.1 \(status) Scripted\r\nConnection: close\r\n\r\n"
                _ = Sockets.sendAll(connection, Data(head.utf8) + body)
                return
            case .stall:
                waitForCloseOrStop(connection)
                return
            }
        }
    }

    /// Reads one request head; returns its path and headers, or nil when the client closed the connection.
    private func readRequest(_ connection: Int32, _ buffer: inout Data) -> (String, [String: String])? {
        let terminator = Data("\r\n\r\n".utf8)
        while buffer.range(of: terminator) == nil {
            guard waitReadable(connection) else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let got = recv(connection, &chunk, chunk.count, 0)
            if got <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<got])
        }
        let end = buffer.range(of: terminator)!
        let head = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
        buffer = Data(buffer[end.upperBound...])
        let lines = head.split(separator: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (parts.count >= 2 ? String(parts[1]) : "/", headers)
    }

    /// Polls until the socket is readable; false when the server stops.
    private func waitReadable(_ connection: Int32) -> Bool {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            var descriptor = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if ready > 0 { return true }
            if ready < 0, errno != EINTR { return false }
        }
        return false
    }

    private func waitForCloseOrStop(_ connection: Int32) {
        var byte: UInt8 = 0
        while waitReadable(connection) {
            if recv(connection, &byte, 1, 0) <= 0 { return }
        }
    }
}
