import ConnectomeCore
import CurlHTTP
import Foundation
import Testing

/// Response bodies are bounded: a huge Content-Length fails before the body arrives, a body that
/// grows past the limit without one is cut off, and both are `.data` errors that are not retried.
@Suite struct BodyLimitTests {
    @Test func contentLengthOfFourGibibytesIsADataErrorBeforeTheBody() async throws {
        try await FaultTests.withServer({ _, _ in .closeMidBody(declaredLength: 4_294_967_296, sent: Data(count: 10)) }) { server in
            let transport = CurlTransport(configuration: FaultTests.quickConfiguration())
            let error = await #expect(throws: ConnectomeError.self) {
                try await transport.send(HTTPRequest(url: server.url + "/huge"))
            }
            #expect(error?.kind == .data)
            #expect(error?.message.contains("GET \(server.url)/huge") == true)
            #expect(error?.message.contains("Content-Length: 4294967296") == true)
            #expect(error?.message.contains("2 GiB") == true)
            #expect(server.count("/huge") == 1, "a body too large for the limit is not retried")

            // Through the store, as every reader meets it.
            let store = try HTTPStore(url: server.url + "/volume", transport: transport)
            let stored = await #expect(throws: ConnectomeError.self) { try await store.read("info") }
            #expect(stored?.kind == .data && stored?.message.contains("/volume/info") == true)
        }
    }

    @Test func bodyWithoutContentLengthIsCutOffAtTheLimit() async throws {
        try await FaultTests.withServer({ _, _ in .respondUntilClose(status: 200, body: Data(count: 5000)) }) { server in
            var configuration = FaultTests.quickConfiguration()
            configuration.maxBodyBytes = 1000
            let error = await #expect(throws: ConnectomeError.self) {
                try await CurlTransport(configuration: configuration).send(HTTPRequest(url: server.url + "/endless"))
            }
            #expect(error?.kind == .data)
            #expect(error?.message.contains("\(server.url)/endless sent a body of more than 1000 bytes") == true)
            #expect(server.count("/endless") == 1)
        }
    }

    @Test func bodiesWithinTheLimitArriveWhole() async throws {
        try await FaultTests.withServer({ path, _ in
            path == "/close" ? .respondUntilClose(status: 200, body: Data(repeating: 3, count: 1000))
                : .respond(status: 200, body: Data(repeating: 4, count: 1000))
        }) { server in
            var configuration = FaultTests.quickConfiguration()
            configuration.maxBodyBytes = 1000
            configuration.maxPreallocationBytes = 16
            let transport = CurlTransport(configuration: configuration)
            let untilClose = try await transport.send(HTTPRequest(url: server.url + "/close"))
            let sized = try await transport.send(HTTPRequest(url: server.url + "/sized"))
            #expect(untilClose.body == Data(repeating: 3, count: 1000))
            #expect(sized.body == Data(repeating: 4, count: 1000))
            let over = await #expect(throws: ConnectomeError.self) {
                var small = configuration
                small.maxBodyBytes = 999
                return try await CurlTransport(configuration: small).send(HTTPRequest(url: server.url + "/sized"))
            }
            #expect(over?.message.contains("Content-Length: 1000 bytes, more than the 999 bytes") == true)
        }
    }
}
