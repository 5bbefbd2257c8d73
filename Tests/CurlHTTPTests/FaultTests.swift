import ConnectomeCore
import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Retries, timeouts and cancellation against a scripted server that misbehaves on purpose.
@Suite struct FaultTests {
    static func quickConfiguration(tries: Int = 4) -> CurlTransport.Configuration {
        var configuration = CurlTransport.Configuration()
        configuration.maxTries = tries
        configuration.initialBackoff = 0.01
        configuration.maxBackoff = 0.05
        configuration.connectTimeout = 2
        configuration.stallTimeout = 1
        configuration.requestTimeout = 10
        return configuration
    }

    static func withServer(_ script: @escaping ScriptedServer.Script,
                           _ body: (ScriptedServer) async throws -> Void) async throws {
        let server = try ScriptedServer(script: script)
        defer { server.stop() }
        try await body(server)
    }

    @Test func serverErrorThenSuccessIsRetried() async throws {
        try await Self.withServer({ _, count in
            count == 1 ? .respond(status: 500) : .respond(status: 200, body: Data("ok".utf8))
        }) { server in
            let response = try await CurlTransport(configuration: Self.quickConfiguration())
                .send(HTTPRequest(url: server.url + "/flaky"))
            #expect(response.status == 200 && response.body == Data("ok".utf8))
            #expect(server.count("/flaky") == 2)
        }
    }

    @Test func persistent503StopsAfterMaxTriesWithClearError() async throws {
        try await Self.withServer({ _, _ in .respond(status: 503) }) { server in
            let transport = CurlTransport(configuration: Self.quickConfiguration(tries: 3))
            do {
                _ = try await transport.send(HTTPRequest(url: server.url + "/down"))
                Issue.record("a server that always answers 503 should make the request fail")
            } catch let error as ConnectomeError {
                #expect(error.kind == .network)
                #expect(error.message.contains(server.url + "/down"))
                #expect(error.message.contains("503"))
                #expect(error.message.contains("3 tries"))
                #expect(!error.hint.isEmpty)
            }
            #expect(server.count("/down") == 3)
        }
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        try await Self.withServer({ _, count in
            count == 1 ? .respond(status: 429, headers: ["Retry-After": "1"]) : .respond(status: 200, body: Data("late".utf8))
        }) { server in
            let start = Date()
            let response = try await CurlTransport(configuration: Self.quickConfiguration())
                .send(HTTPRequest(url: server.url + "/throttled"))
            #expect(response.body == Data("late".utf8))
            #expect(server.count("/throttled") == 2)
            // The backoff alone would retry after ≤ 50 ms; Retry-After asked for a second.
            #expect(Date().timeIntervalSince(start) >= 0.9)
        }
    }

    @Test func connectionClosedMidBodyIsRetried() async throws {
        let full = Data(repeating: 7, count: 5000)
        try await Self.withServer({ _, count in
            count == 1 ? .closeMidBody(declaredLength: 5000, sent: Data(repeating: 7, count: 100)) : .respond(status: 200, body: full)
        }) { server in
            let response = try await CurlTransport(configuration: Self.quickConfiguration())
                .send(HTTPRequest(url: server.url + "/cut"))
            #expect(response.body == full)
            #expect(server.count("/cut") == 2)
        }
    }

    @Test func connectionAlwaysClosedMidBodyFails() async throws {
        try await Self.withServer({ _, _ in .closeMidBody(declaredLength: 5000, sent: Data(count: 10)) }) { server in
            let transport = CurlTransport(configuration: Self.quickConfiguration(tries: 2))
            do {
                _ = try await transport.send(HTTPRequest(url: server.url + "/cut"))
                Issue.record("a body cut short on every try should fail")
            } catch let error as ConnectomeError {
                #expect(error.kind == .network)
                #expect(error.message.contains("/cut") && error.message.contains("2 tries"))
            }
            #expect(server.count("/cut") == 2)
        }
    }

    @Test func stalledServerTimesOut() async throws {
        try await Self.withServer({ _, _ in .stall }) { server in
            let transport = CurlTransport(configuration: Self.quickConfiguration(tries: 1))
            do {
                _ = try await transport.send(HTTPRequest(url: server.url + "/stall"))
                Issue.record("a stalled server should time out")
            } catch let error as ConnectomeError {
                #expect(error.kind == .network)
                #expect(error.message.contains("/stall") && error.message.lowercased().contains("timeout"))
            }
        }
    }

    @Test func cancellingTheTaskAbortsAStalledRequest() async throws {
        try await Self.withServer({ _, _ in .stall }) { server in
            var configuration = Self.quickConfiguration(tries: 1)
            configuration.stallTimeout = 600
            configuration.requestTimeout = 600
            let transport = CurlTransport(configuration: configuration)
            let task = Task { try await transport.send(HTTPRequest(url: server.url + "/stall")) }
            while server.count("/stall") == 0 { try await Task.sleep(for: .milliseconds(10)) }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
        }
    }

    @Test func cancellingBeforeSendingNeverReachesTheServer() async throws {
        try await Self.withServer({ _, _ in .respond(status: 200) }) { server in
            let transport = CurlTransport(configuration: Self.quickConfiguration())
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await transport.send(HTTPRequest(url: server.url + "/never"))
            }
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(server.count("/never") == 0)
        }
    }

    @Test func refusedConnectionNamesURLAndTries() async throws {
        let port = try Sockets.freePort()
        let transport = CurlTransport(configuration: Self.quickConfiguration(tries: 2))
        do {
            _ = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/x"))
            Issue.record("nothing listens on port \(port)")
        } catch let error as ConnectomeError {
            #expect(error.kind == .network)
            #expect(error.message.contains("http://127.0.0.1:\(port)/x") && error.message.contains("2 tries"))
            #expect(error.hint.contains("server"))
        }
    }

    @Test func oneFailureFailsSendAllAndReturnsInOrderOtherwise() async throws {
        try await Self.withServer({ path, _ in
            path == "/bad" ? .respond(status: 503) : .respond(status: 200, body: Data(path.utf8))
        }) { server in
            let transport = CurlTransport(configuration: Self.quickConfiguration(tries: 1))
            let paths = (0..<40).map { "/ok\($0)" }
            let responses = try await transport.sendAll(paths.map { HTTPRequest(url: server.url + $0) })
            #expect(responses.map { String(decoding: $0.body, as: UTF8.self) } == paths)
            await #expect(throws: ConnectomeError.self) {
                try await transport.sendAll([HTTPRequest(url: server.url + "/ok"), HTTPRequest(url: server.url + "/bad")])
            }
        }
    }

    @Test func headersAndPostBodiesAreSent() async throws {
        try await Self.withServer({ _, _ in .respond(status: 201, headers: ["X-Answer": "42"], body: Data("made".utf8)) }) { server in
            let transport = CurlTransport(configuration: Self.quickConfiguration())
            let response = try await transport.send(HTTPRequest(method: .post, url: server.url + "/make",
                                                                headers: ["Authorization": "Bearer t"], body: Data("{}".utf8)))
            #expect(response.status == 201 && response.headers["x-answer"] == "42" && response.body == Data("made".utf8))
        }
    }
}
