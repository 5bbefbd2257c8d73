import Foundation
import TestSupport
import Testing
@testable import ConnectomeCore

/// Stores refuse ranges and bodies larger than any object the kernel reads, before asking.
@Suite struct StoreLimitTests {
    @Test func aRangeBeyondTheObjectLimitFailsBeforeAnyRequest() async throws {
        let transport = CannedTransport(origin: "http://data.test", objects: ["v/s0/0.shard": Data(count: 16)])
        let store = try HTTPStore(url: "http://data.test/v", transport: transport)
        let error = await #expect(throws: ConnectomeError.self) {
            try await store.read("s0/0.shard", range: 16..<(16 + (1 << 40)))
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("http://data.test/v/s0/0.shard") == true)
        #expect(error?.message.contains("16..<1099511627792") == true)
        #expect(error?.message.contains("2 GiB") == true)
        let negative = await #expect(throws: ConnectomeError.self) { try await store.read("s0/0.shard", range: -8..<8) }
        #expect(negative?.kind == .data)
        #expect(transport.requests.isEmpty)
    }

    @Test func aQueryGoesIntoEveryURLButNotIntoKeys() throws {
        var store = try HTTPStore(url: "http://data.test/tiles", transport: CannedTransport(origin: "http://data.test", objects: [:]))
        store.query = "v=2"
        #expect(try store.request(for: "1/0_0_0.jpg", range: nil).url == "http://data.test/tiles/1/0_0_0.jpg?v=2")
        #expect(try store.request(for: "a?b", range: nil).url == "http://data.test/tiles/a%3Fb?v=2")
    }
}
