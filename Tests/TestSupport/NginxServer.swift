#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Debian's nginx on a free loopback port with a private configuration, serving a directory the
/// way the benchmarks did (`sendfile`, keep-alive, `gzip_static always; gunzip on;`).
///
/// The one nginx harness of the test targets (HTTP transport, volumes over HTTP, CATMAID mirrors).
public final class NginxServer: Sendable {
    public struct StartFailure: Error, CustomStringConvertible {
        public let description: String
    }

    public static let executable = "/usr/sbin/nginx"

    public let port: Int
    public let prefix: String
    private let process: Process

    /// Starts nginx serving `root`; its config, pid file, logs and temp files live under `prefix`.
    ///
    /// `port` is one already chosen with `Sockets.freePort()` when the served files must name it;
    /// `locations` are more `location` blocks for the server (e.g. a part behind HTTP Basic).
    public init(serving root: String, prefix: String, port chosenPort: Int? = nil, locations: String = "") throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw StartFailure(description: "nginx is not installed at \(Self.executable): run `apt-get install nginx-light`")
        }
        self.prefix = prefix
        port = try chosenPort ?? Sockets.freePort()
        try FileManager.default.createDirectory(atPath: prefix + "/temp", withIntermediateDirectories: true)
        let config = """
            daemon off;
            master_process on;
            worker_processes 1;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                sendfile on;
                tcp_nopush on;
                tcp_nodelay on;
                keepalive_timeout 60;
                keepalive_requests 100000;
                client_body_temp_path \(prefix)/temp/body;
                proxy_temp_path \(prefix)/temp/proxy;
                fastcgi_temp_path \(prefix)/temp/fastcgi;
                uwsgi_temp_path \(prefix)/temp/uwsgi;
                scgi_temp_path \(prefix)/temp/scgi;
                default_type application/octet-stream;
                server {
                    listen 127.0.0.1:\(port);
                    root \(root);
                    location / {
                        gzip_static always;
                        gunzip on;
                    }
                    \(locations)
                }
            }
            """
        try config.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["-p", prefix, "-c", prefix + "/nginx.conf", "-e", prefix + "/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !Sockets.canConnect(port: port) {
            if !process.isRunning || Date() > deadline {
                let log = (try? String(contentsOfFile: prefix + "/error.log", encoding: .utf8)) ?? "(no error log)"
                stop()
                throw StartFailure(description: "nginx did not start on 127.0.0.1:\(port): \(log)")
            }
            usleep(20_000)
        }
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Stops nginx (SIGTERM, fast shutdown) and waits for it to exit.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}
