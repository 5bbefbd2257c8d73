import Foundation

/// Where volumes, tiles and JSON live: a flat key → bytes map behind a URL.
///
/// Every format reader (precomputed, CATMAID tiles, N5) reads through this seam, so a `file://`
/// tree, an HTTP server and an in-memory double are interchangeable and pass one conformance suite.
/// `nil` means "missing" (a 404, a file that does not exist): missing chunks read as background,
/// so a store must not throw for them. Anything else that goes wrong throws a `ConnectomeError`.
public protocol KeyValueStore: Sendable {
    /// The store's base URL as the user would recognise it (for messages).
    var baseURL: String { get }

    /// The bytes under `key` (a path relative to the base, `/`-separated), or the byte range
    /// `range` of them (half-open). Returns `nil` when the key does not exist.
    func read(_ key: String, range: Range<Int>?) async throws -> Data?

    /// Several keys at once. Stores that can overlap requests (HTTP) should override this;
    /// results come back in the order of `keys`.
    func readMany(_ keys: [String]) async throws -> [Data?]
}

extension KeyValueStore {
    public func read(_ key: String) async throws -> Data? {
        try await read(key, range: nil)
    }

    public func readMany(_ keys: [String]) async throws -> [Data?] {
        try await WorkerPool.withChildTasks {
            try await withThrowingTaskGroup(of: (Int, Data?).self) { group in
                for (index, key) in keys.enumerated() {
                    group.addTask { (index, try await self.read(key, range: nil)) }
                }
                var results = [Data?](repeating: nil, count: keys.count)
                for try await (index, data) in group { results[index] = data }
                return results
            }
        }
    }
}
