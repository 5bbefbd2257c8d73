import ConnectomeCore
import CurlHTTP
import Foundation
import ImageCodecs
import TestSupport
import Testing

/// CurlTransport and HTTPStore against a real nginx on 127.0.0.1.
@Suite struct NginxTransportTests {
    /// Runs `body` with nginx serving `objects`, and stops it afterwards.
    static func withNginx(_ objects: [String: Data], _ body: (NginxServer) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "cck-nginx")
        defer { directory.remove() }
        try directory.write(objects.reduce(into: [:]) { $0["www/" + $1.key] = $1.value })
        try FileManager.default.createDirectory(atPath: directory.path + "/www", withIntermediateDirectories: true)
        let server = try NginxServer(serving: directory.path + "/www", prefix: directory.path + "/nginx")
        defer { server.stop() }
        try await body(server)
    }

    @Test func storeConformance() async throws {
        try await Self.withNginx(StoreConformance.objects) { server in
            let store = try HTTPStore(url: server.url + "/vol", transport: CurlTransport())
            try await StoreConformance.run { _ in store }
        }
    }

    @Test func wholeRangeAndMissing() async throws {
        let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 31) })
        try await Self.withNginx(["a/chunk": data]) { server in
            let transport = CurlTransport()
            let whole = try await transport.send(HTTPRequest(url: server.url + "/a/chunk"))
            #expect(whole.status == 200 && whole.body == data)
            #expect(whole.headers["content-length"] == "100000")
            let part = try await transport.send(HTTPRequest(url: server.url + "/a/chunk", range: 1000..<1100))
            #expect(part.status == 206 && part.body == data.subdata(in: 1000..<1100))
            let missing = try await transport.send(HTTPRequest(url: server.url + "/a/none"))
            #expect(missing.status == 404)
        }
    }

    @Test func gzipStoredObjectsArriveDecoded() async throws {
        let raw = Data(repeating: 42, count: 262_144) + Data("end".utf8)
        try await Self.withNginx(["vol/s0/0-64_0-64_0-64.gz": Gzip.compress(raw)]) { server in
            let transport = CurlTransport()
            let response = try await transport.send(HTTPRequest(url: server.url + "/vol/s0/0-64_0-64_0-64"))
            #expect(response.status == 200)
            #expect(response.headers["content-encoding"] == "gzip")
            #expect(response.body == raw)
            let store = try HTTPStore(url: server.url + "/vol", transport: transport)
            #expect(try await store.read("s0/0-64_0-64_0-64") == raw)
        }
    }

    @Test func manyOverlappingGets() async throws {
        let count = 256
        let size = 256 * 1024
        var objects: [String: Data] = [:]
        for index in 0..<count {
            var chunk = Data(repeating: UInt8(index % 251), count: size)
            chunk[0] = UInt8(index & 0xff)
            chunk[size - 1] = UInt8(index >> 8)
            objects["em/\(index)"] = chunk
        }
        try await Self.withNginx(objects) { server in
            let transport = CurlTransport()
            let requests = (0..<count).map { HTTPRequest(url: server.url + "/em/\($0)") }
            _ = try await transport.sendAll(Array(requests.prefix(32)))  // open the connections
            var best = Double.infinity
            var responses: [HTTPResponse] = []
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                responses = try await transport.sendAll(requests)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            #expect(responses.count == count)
            for (index, response) in responses.enumerated() {
                #expect(response.status == 200)
                #expect(response.body == objects["em/\(index)"])
            }
            print("256 × 256 KiB GETs from nginx: best of 5 = \(String(format: "%.1f", best)) ms (\(String(format: "%.0f", 64 / best * 1000)) MiB/s)")
        }
    }
}
