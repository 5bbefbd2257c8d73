#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport
@testable import ConnectomeCore

/// The shared nginx harness with `/private/` behind HTTP Basic, on a port chosen before it starts
/// so that the served project's JSON can name it.
final class CatmaidNginxServer: @unchecked Sendable {
    let port: Int
    let prefix: String
    private var server: NginxServer?

    init(prefix: String) throws {
        self.prefix = prefix
        self.port = try Sockets.freePort()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Serves `root`; `/private/<path>` is `root/<path>` for `user` with `password` only.
    func start(root: String, user: String, password: String) throws {
        try FileManager.default.createDirectory(atPath: prefix, withIntermediateDirectories: true)
        try "\(user):{PLAIN}\(password)\n".write(toFile: prefix + "/htpasswd", atomically: true, encoding: .utf8)
        server = try NginxServer(serving: root, prefix: prefix, port: port, locations: """
            location /private/ {
                alias \(root)/;
                auth_basic "catmaid mirror";
                auth_basic_user_file \(prefix)/htpasswd;
            }
            """)
    }

    func stop() { server?.stop() }
}

/// A minimal HTTP/1.0 client over a loopback socket, for these tests only.
///
/// The kernel's transport is libcurl (CurlHTTP, which this test target does not link), and
/// FoundationNetworking's URLSession hangs on a 401 that carries `WWW-Authenticate` when no
/// delegate answers the challenge, so the tests speak HTTP themselves.
struct CatmaidSocketTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await Task.detached { try Self.exchange(request) }.value
    }

    static func exchange(_ request: HTTPRequest) throws -> HTTPResponse {
        guard request.url.hasPrefix("http://127.0.0.1:") else {
            throw ConnectomeError.argument("the test transport only speaks to http://127.0.0.1, not \(request.url)")
        }
        let afterHost = request.url.dropFirst("http://127.0.0.1:".count)
        let slash = afterHost.firstIndex(of: "/") ?? afterHost.endIndex
        guard let port = Int(afterHost[..<slash]) else { throw ConnectomeError.argument("no port in \(request.url)") }
        let path = slash == afterHost.endIndex ? "/" : String(afterHost[slash...])
        var head = "\(request.method.rawValue) \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in request.headers { head += "\(name): \(value)\r\n" }
        if let range = request.range { head += "Range: bytes=\(range.lowerBound)-\(range.upperBound - 1)\r\n" }
        head += "\r\n"

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw ConnectomeError.network("cannot connect to 127.0.0.1:\(port)") }
        let bytes = Array(head.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw ConnectomeError.network("send to 127.0.0.1:\(port) failed") }
            sent += n
        }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...(max(0, response.count - 4))).first(where: { Array(response[$0..<min($0 + 4, response.count)]) == separator }) else {
            throw ConnectomeError.network("malformed HTTP response from \(request.url)")
        }
        let lines = String(decoding: response[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPResponse(status: status, headers: headers, body: Data(response[(end + 4)...]), url: request.url)
    }
}
