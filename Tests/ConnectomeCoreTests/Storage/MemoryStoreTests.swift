import ConnectomeCore
import Foundation
import TestSupport
import Testing

@Suite struct MemoryStoreTests {
    @Test func conformance() async throws {
        try await StoreConformance.run { objects in
            try MemoryStore(objects: objects).store(at: "vol")
        }
    }

    @Test func putRemoveAndKeys() async throws {
        let store = MemoryStore()
        try store.put("a/b", Data("1".utf8))
        try store.put("a/./c", Data("2".utf8))
        #expect(store.keys == ["a/b", "a/c"])
        try store.remove("a/b")
        #expect(try await store.read("a/b") == nil)
        #expect(try await store.read("a/c") == Data("2".utf8))
    }

    @Test func concurrentWritersAndReaders() async throws {
        let store = MemoryStore()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try store.put("k\(index)", Data([UInt8(index)]))
                    _ = try await store.read("k\(index / 2)")
                }
            }
            try await group.waitForAll()
        }
        #expect(store.keys.count == 200)
        #expect(try await store.read("k199") == Data([199]))
    }
}
