import ConnectomeCore
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite struct HTTPStoreTests {
    @Test(arguments: [true, false])
    func conformanceOverCannedServer(honoursRange: Bool) async throws {
        try await StoreConformance.run { objects in
            let transport = CannedTransport(origin: "http://h", objects: objects, honoursRange: honoursRange)
            return try HTTPStore(url: "http://h/vol", transport: transport)
        }
    }

    @Test func urlsResolveDotDotAndEncodeSegments() throws {
        let store = try HTTPStore(url: "https://storage.googleapis.com/bucket/em/aligned/",
                                  transport: CannedTransport(origin: "x", objects: [:]))
        #expect(store.baseURL == "https://storage.googleapis.com/bucket/em/aligned")
        #expect(try store.url(for: "../seg/info") == "https://storage.googleapis.com/bucket/em/seg/info")
        #expect(try store.url(for: "8_8_40/0-64_0-64_0-64") == "https://storage.googleapis.com/bucket/em/aligned/8_8_40/0-64_0-64_0-64")
        #expect(try store.url(for: "mesh/12:0") == "https://storage.googleapis.com/bucket/em/aligned/mesh/12:0")
        #expect(try store.url(for: "a b#c") == "https://storage.googleapis.com/bucket/em/aligned/a%20b%23c")
    }

    @Test func statusesMapToErrors() async throws {
        let transport = CannedTransport(origin: "http://h", objects: [:],
                                        statuses: ["v/locked": 403, "v/login": 401, "v/broken": 503, "v/gone": 410])
        let store = try HTTPStore(url: "http://h/v", transport: transport)
        #expect(try await store.read("gone") == nil)
        do {
            _ = try await store.read("locked")
            Issue.record("403 should throw")
        } catch let error as ConnectomeError {
            #expect(error.kind == .auth)
            #expect(error.message.contains("http://h/v/locked") && error.message.contains("403"))
        }
        await #expect(throws: ConnectomeError.auth("http://h/v/login answered 401 Unauthorized",
                                                   hint: "the data is not public: give credentials where the command takes them (catmaid token=, or user= and password=), or use a public or file:// copy")) {
            try await store.read("login")
        }
        do {
            _ = try await store.read("broken")
            Issue.record("503 should throw")
        } catch let error as ConnectomeError {
            #expect(error.kind == .network)
            #expect(error.message.contains("http://h/v/broken") && error.message.contains("503"))
            #expect(!error.hint.isEmpty)
        }
    }

    @Test func authorizationIsSentButNeverPrinted() async throws {
        let transport = CannedTransport(origin: "https://h", objects: ["v/info": Data("{}".utf8)])
        let store = try HTTPStore(url: "https://h/v", transport: transport, authorization: .bearer("s3cr3t-token"))
        _ = try await store.read("info")
        #expect(transport.requests.first?.headers["Authorization"] == "Bearer s3cr3t-token")
        #expect(!"\(store)".contains("s3cr3t"))
        #expect(!String(reflecting: HTTPAuthorization.bearer("s3cr3t-token")).contains("s3cr3t"))
        var dumped = ""
        dump(HTTPAuthorization.basic(user: "me", password: "hunter2"), to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(HTTPAuthorization.basic(user: "Aladdin", password: "open sesame").headerValue == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    }

    @Test func readManyUsesOneSendAll() async throws {
        final class CountingTransport: HTTPTransport {
            let inner: CannedTransport
            let batches = Mutex<[Int]>([])
            init(_ inner: CannedTransport) { self.inner = inner }
            func send(_ request: HTTPRequest) async throws -> HTTPResponse { try await inner.send(request) }
            func sendAll(_ requests: [HTTPRequest]) async throws -> [HTTPResponse] {
                batches.withLock { $0.append(requests.count) }
                var responses: [HTTPResponse] = []
                for request in requests { responses.append(try await inner.send(request)) }
                return responses
            }
        }
        let transport = CountingTransport(CannedTransport(origin: "http://h", objects: ["v/a": Data("a".utf8)]))
        let store = try HTTPStore(url: "http://h/v", transport: transport)
        #expect(try await store.readMany(["a", "b", "a"]) == [Data("a".utf8), nil, Data("a".utf8)])
        #expect(transport.batches.withLock { $0 } == [3])
    }
}

@Suite struct HTTPStoreRangeTests {
    /// A server that answers every range request with the wrong bytes.
    final class WrongRangeTransport: HTTPTransport {
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            HTTPResponse(status: 206, headers: ["content-range": "bytes 0-9/100"], body: Data(count: 10), url: request.url)
        }
    }

    @Test func mismatchedContentRangeIsADataError() async throws {
        let store = try HTTPStore(url: "http://h/v", transport: WrongRangeTransport())
        #expect(try await store.read("x", range: 0..<10) == Data(count: 10))
        await #expect(throws: ConnectomeError.self) { try await store.read("x", range: 50..<60) }
    }
}
