import Foundation
import Synchronization

/// An in-memory store: the test double for every reader above the storage seam.
///
/// Stores made with `store(at:)` share the objects, so a volume at `vol/` can reach `../other`
/// just as on disk.
public final class MemoryStore: KeyValueStore {
    public let baseURL: String
    private let root: String
    private let objects: Shared

    private final class Shared: Sendable {
        let map = Mutex<[String: Data]>([:])
    }

    public init(name: String = "memory", objects: [String: Data] = [:]) {
        self.baseURL = "memory://\(name)"
        self.root = ""
        self.objects = Shared()
        for (key, data) in objects { try? put(key, data) }
    }

    private init(baseURL: String, root: String, objects: Shared) {
        self.baseURL = baseURL
        self.root = root
        self.objects = objects
    }

    /// A store rooted at `path` (relative to this one) that shares these objects.
    public func store(at path: String) throws(ConnectomeError) -> MemoryStore {
        let resolved = try StorePath.resolve(base: root, key: path, storeURL: baseURL).joined(separator: "/")
        return MemoryStore(baseURL: baseURL + "/" + path, root: resolved, objects: objects)
    }

    public func put(_ key: String, _ data: Data) throws(ConnectomeError) {
        let path = try resolve(key)
        objects.map.withLock { $0[path] = data }
    }

    public func remove(_ key: String) throws(ConnectomeError) {
        let path = try resolve(key)
        _ = objects.map.withLock { $0.removeValue(forKey: path) }
    }

    /// Every key under this store's root, sorted.
    public var keys: [String] {
        let prefix = root.isEmpty ? "" : root + "/"
        return objects.map.withLock { map in
            map.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.sorted()
        }
    }

    public func read(_ key: String, range: Range<Int>?) async throws -> Data? {
        let path = try resolve(key)
        guard let data = objects.map.withLock({ $0[path] }) else { return nil }
        guard let range else { return data }
        let clamped = clamp(range, to: data.count)
        return data.subdata(in: (data.startIndex + clamped.lowerBound)..<(data.startIndex + clamped.upperBound))
    }

    private func resolve(_ key: String) throws(ConnectomeError) -> String {
        try StorePath.resolve(base: root, key: key, storeURL: baseURL).joined(separator: "/")
    }
}
