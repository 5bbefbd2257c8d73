import ConnectomeCore
import Foundation
import ImageCodecs
import TestSupport
import Testing

@Suite struct FileStoreTests {
    @Test func conformance() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await StoreConformance.run { objects in
            try directory.write(objects)
            return try FileStore(url: "file://" + directory.path + "/vol")
        }
    }

    @Test func gzipSiblingIsReadWhenPlainFileIsMissing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let raw = Data((0..<4096).map { UInt8($0 % 251) })
        try directory.write(["s0/0-64_0-64_0-64.gz": Gzip.compress(raw), "s0/bad.gz": Data("not gzip".utf8)])
        let store = try FileStore(url: "file://" + directory.path)
        #expect(try await store.read("s0/0-64_0-64_0-64") == raw)
        #expect(try await store.read("s0/0-64_0-64_0-64", range: 10..<20) == raw.subdata(in: 10..<20))
        await #expect(throws: ConnectomeError.self) { try await store.read("s0/bad") }
    }

    @Test func urlFormsAndPaths() throws {
        let store = try FileStore(url: "file:///data/vol/")
        #expect(store.directory == "/data/vol")
        #expect(store.baseURL == "file:///data/vol")
        #expect(try store.path(for: "../seg/info") == "/data/seg/info")
        #expect(try FileStore(url: "file:///data/my%20vol").directory == "/data/my vol")
    }

    @Test func directoryIsNotAnObject() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(["s0/x": Data("x".utf8)])
        #expect(try await FileStore(directory: directory.path).read("s0") == nil)
    }
}
