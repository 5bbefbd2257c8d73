import Foundation
import Logging
import Synchronization

/// A byte-bounded, thread-safe LRU of chunk data shared by the volume readers it is passed to.
///
/// There is no process-wide instance: the kernel owns one (sized by its memory budget, the one its
/// `cache` commands inspect and clear) and passes it in; tests make their own.
///
/// It holds decoded z-planes (what a section read needs, so scrolling back costs no decode),
/// whole encoded chunks of the compressed encodings (a few KiB to ~100 KiB each, so reading
/// the next section of a jpeg or compressed_segmentation chunk needs no new fetch) and parsed
/// minishard indexes of sharded volumes. Keys carry the volume URL and mip, so volumes never collide.
public final class ChunkCache: Sendable {
    public struct Key: Hashable, Sendable {
        public var volume: String
        public var mip: Int
        public var part: Part
        public init(volume: String, mip: Int, part: Part) {
            self.volume = volume
            self.mip = mip
            self.part = part
        }
    }

    public enum Part: Hashable, Sendable {
        /// One decoded z-plane (absolute z) of a chunk.
        case plane(ChunkIndex, z: Int)
        /// A chunk's stored bytes, gunzipped but not decoded.
        case chunk(ChunkIndex)
        /// A parsed minishard index of a sharded scale.
        case minishardIndex(shard: UInt64, minishard: UInt64)
    }

    enum Value: Sendable {
        case bytes([UInt8])
        case data(Data)
        case minishard(MinishardIndex)
        /// The store has no such chunk (remembered so that sparse volumes are not asked again).
        case missing

        var byteCount: Int {
            switch self {
            case .bytes(let bytes): bytes.count
            case .data(let data): data.count
            case .minishard(let index): index.byteCount
            case .missing: 64
            }
        }
    }

    public struct Stats: Sendable, Equatable {
        public var entries: Int
        public var bytes: Int
        public var capacityBytes: Int
        public var hits: Int
        public var misses: Int
    }

    private let state: Mutex<LRUState>
    /// Evictions are logged at debug level (a full cache evicts on most inserts), outside the lock.
    private let logger: Logger

    public init(capacityBytes: Int, logger: Logger = Logger(label: "connectome.cache")) {
        state = Mutex(LRUState(capacity: max(0, capacityBytes)))
        self.logger = logger
    }

    /// The byte budget; lowering it evicts least recently used entries at once.
    public var capacityBytes: Int {
        get { state.withLock { $0.capacity } }
        set {
            let evicted = state.withLock { $0.capacity = max(0, newValue); return $0.evict() }
            logEvictions(evicted)
        }
    }

    public var stats: Stats {
        state.withLock { Stats(entries: $0.index.count, bytes: $0.bytes, capacityBytes: $0.capacity, hits: $0.hits, misses: $0.misses) }
    }

    /// Drops every entry and resets the hit and miss counters.
    public func clear() {
        state.withLock { $0 = LRUState(capacity: $0.capacity) }
    }

    func value(for key: Key) -> Value? {
        state.withLock { $0.lookup(key) }
    }

    func insert(_ value: Value, for key: Key) {
        let evicted = state.withLock { $0.insert(value, for: key) }
        logEvictions(evicted)
    }

    private func logEvictions(_ evicted: LRUState.Evicted) {
        guard evicted.entries > 0, logger.logLevel <= .debug else { return }
        logger.debug("chunk cache evicted least recently used entries", metadata: [
            "entries": "\(evicted.entries)", "bytes": "\(evicted.bytes)", "capacity_bytes": "\(capacityBytes)",
        ])
    }

    func bytes(for key: Key) -> [UInt8]? {
        if case .bytes(let bytes) = value(for: key) { return bytes }
        return nil
    }

    func data(for key: Key) -> Data? {
        if case .data(let data) = value(for: key) { return data }
        return nil
    }
}

/// The LRU list as parallel arrays (no per-entry objects); slot 0 is the list's sentinel.
struct LRUState {
    var capacity: Int
    var bytes = 0
    var hits = 0
    var misses = 0
    var index: [ChunkCache.Key: Int] = [:]
    private var keys: [ChunkCache.Key?] = [nil]
    private var values: [ChunkCache.Value?] = [nil]
    private var previous: [Int] = [0]
    private var next: [Int] = [0]
    private var free: [Int] = []

    init(capacity: Int) { self.capacity = capacity }

    mutating func lookup(_ key: ChunkCache.Key) -> ChunkCache.Value? {
        guard let slot = index[key] else { misses += 1; return nil }
        hits += 1
        unlink(slot)
        linkAtFront(slot)
        return values[slot]
    }

    @discardableResult
    mutating func insert(_ value: ChunkCache.Value, for key: ChunkCache.Key) -> Evicted {
        let size = value.byteCount
        if let slot = index[key] { remove(slot) }
        guard size <= capacity else { return Evicted() }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            keys[slot] = key
            values[slot] = value
        } else {
            slot = keys.count
            keys.append(key)
            values.append(value)
            previous.append(0)
            next.append(0)
        }
        index[key] = slot
        bytes += size
        linkAtFront(slot)
        return evict()
    }

    /// What one insert or resize pushed out.
    struct Evicted {
        var entries = 0
        var bytes = 0
    }

    @discardableResult
    mutating func evict() -> Evicted {
        var evicted = Evicted()
        while bytes > capacity, next[0] != 0 {
            let before = bytes
            remove(previous[0])
            evicted.entries += 1
            evicted.bytes += before - bytes
        }
        return evicted
    }

    private mutating func remove(_ slot: Int) {
        unlink(slot)
        bytes -= values[slot]?.byteCount ?? 0
        if let key = keys[slot] { index[key] = nil }
        keys[slot] = nil
        values[slot] = nil
        free.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        next[previous[slot]] = next[slot]
        previous[next[slot]] = previous[slot]
    }

    private mutating func linkAtFront(_ slot: Int) {
        previous[slot] = 0
        next[slot] = next[0]
        previous[next[0]] = slot
        next[0] = slot
    }
}
