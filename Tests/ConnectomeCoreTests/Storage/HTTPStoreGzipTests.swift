import ConnectomeCore
import Foundation
import ImageCodecs
import Testing

/// Servers of gzip-stored files send the compressed object, even for ranges (nginx `gzip_static
/// always` ignores Range); the store inflates it on the caller's task, only as far as needed.
@Suite struct HTTPStoreGzipTests {
    /// Answers every request with the whole object gzip-encoded, as nginx's gzip_static does.
    struct GzipStaticServer: HTTPTransport {
        let plain: Data
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            #expect(request.decodeContent == false, "the store inflates bodies itself")
            return HTTPResponse(status: 200, headers: ["content-encoding": "gzip"], body: Gzip.compress(plain, level: 1),
                                url: request.url)
        }
    }

    static let plain = Data((0..<262_144).map { UInt8(truncatingIfNeeded: ($0 * 7) ^ ($0 >> 9)) })

    @Test func wholeReadsAreInflated() async throws {
        let store = try HTTPStore(url: "http://h/v", transport: GzipStaticServer(plain: Self.plain))
        #expect(try await store.read("chunk") == Self.plain)
        #expect(try store.request(for: "chunk", range: nil).headers["Accept-Encoding"] == "gzip")
    }

    @Test func rangeReadsOfACompressedWholeAreCutOut() async throws {
        let store = try HTTPStore(url: "http://h/v", transport: GzipStaticServer(plain: Self.plain))
        let plane = 37 * 4096..<38 * 4096
        #expect(try await store.read("chunk", range: plane) == Self.plain.subdata(in: plane))
        #expect(try store.request(for: "chunk", range: plane).headers["Accept-Encoding"] == "gzip")
    }

    @Test func gzipPrefixStopsEarly() throws {
        let compressed = Gzip.compress(Self.plain)
        #expect(try Gzip.decompress(compressed, prefix: 1000) == Self.plain.prefix(1000))
        #expect(try Gzip.decompress(compressed, prefix: 10_000_000) == Self.plain)
        for prefix in [1, 4096, 100_000, 160_000, 262_143] {
            #expect(try Gzip.decompress(compressed, prefix: prefix) == Self.plain.prefix(prefix))
        }
    }

    @Test func aRangeOfTheCompressedFormIsReadWhole() async throws {
        /// Ranges the compressed bytes (as GCS does for gzip-stored objects asked with Accept-Encoding: gzip).
        final class EncodedRanges: HTTPTransport, @unchecked Sendable {
            var requests: [HTTPRequest] = []
            func send(_ request: HTTPRequest) async throws -> HTTPResponse {
                requests.append(request)
                let compressed = Gzip.compress(HTTPStoreGzipTests.plain, level: 1)
                guard let range = request.range else {
                    return HTTPResponse(status: 200, headers: ["content-encoding": "gzip"], body: compressed, url: request.url)
                }
                return HTTPResponse(status: 206, headers: ["content-encoding": "gzip", "content-range": "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(compressed.count)"],
                                    body: compressed.subdata(in: range), url: request.url)
            }
        }
        let server = EncodedRanges()
        let store = try HTTPStore(url: "http://h/v", transport: server)
        #expect(try await store.read("chunk", range: 100..<200) == Self.plain.subdata(in: 100..<200))
        #expect(try await store.read("chunk", range: 300..<400) == Self.plain.subdata(in: 300..<400))
        // One wasted range request, then whole reads only.
        #expect(server.requests.map { $0.range == nil } == [false, true, true])
    }
}
