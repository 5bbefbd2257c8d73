import Foundation
import Synchronization

/// One row of `update`: an ID, what it is now, how sure that is, and whether it changed.
public struct IDUpdate: Sendable, Equatable {
    public var oldID: SegmentID
    public var newID: SegmentID
    /// 1 for a current ID or one found through its supervoxel; the share of level-2 nodes for a
    /// suggestion; 0 when nothing was found (the old ID is kept).
    public var confidence: Double

    public init(oldID: SegmentID, newID: SegmentID, confidence: Double) {
        self.oldID = oldID
        self.newID = newID
        self.confidence = confidence
    }

    public var changed: Bool { newID != oldID }
}

/// crantpy's `update_ids`: each ID's current root.
///
/// 0 is kept with confidence 0; a latest root is kept with confidence 1; a stale root with a known
/// supervoxel becomes that supervoxel's root (confidence 1); any other stale root becomes the root
/// most of its level-2 nodes belong to now (CAVEclient's `suggest_latest_roots` at stop layer 2),
/// with that share as confidence, or stays with confidence 0 when nothing is found. Network and
/// authentication failures are errors, never a silent "unchanged" (crantpy swallows every error).
public struct IDUpdater: Sendable {
    public let graph: ChunkedGraphClient
    public let cache: IDUpdateCache

    public init(graph: ChunkedGraphClient, cache: IDUpdateCache) {
        self.graph = graph
        self.cache = cache
    }

    /// Rows in the order of `ids`. `supervoxels`, when given, runs parallel to `ids` (nil or 0 = unknown).
    /// `key` names the timestamp for the cache (`now`, or the instant), `at` is the instant asked.
    public func update(_ ids: [SegmentID], supervoxels: [SegmentID?]? = nil, at: Date, key: String,
                       now: Date = Date()) async throws -> [IDUpdate] {
        if let supervoxels, supervoxels.count != ids.count {
            throw ConnectomeError.argument("\(ids.count) IDs but \(supervoxels.count) supervoxels; give one supervoxel (or 0) per ID")
        }
        try ChunkedGraphClient.checkCount(ids.count, what: "IDs")
        var results = [IDUpdate?](repeating: nil, count: ids.count)
        var pending: [Int] = []
        for (index, id) in ids.enumerated() {
            if id.rawValue == 0 {
                results[index] = IDUpdate(oldID: id, newID: id, confidence: 0)
            } else if let cached = cache.lookup(id, key: key, now: now) {
                results[index] = cached
            } else {
                pending.append(index)
            }
        }
        if !pending.isEmpty {
            let asked = pending.map { ids[$0] }
            let latest = try await graph.isLatest(asked, at: at)
            var stale: [Int] = []
            for (index, isLatest) in zip(pending, latest) {
                if isLatest { results[index] = IDUpdate(oldID: ids[index], newID: ids[index], confidence: 1) } else { stale.append(index) }
            }
            // Stale IDs with a known supervoxel: that supervoxel's root now.
            let known = stale.filter { (supervoxels?[$0]?.rawValue ?? 0) != 0 }
            if !known.isEmpty {
                let roots = try await graph.roots(known.map { supervoxels![$0]! }, at: at,
                                                  batchSize: CaveLimits.updateSupervoxelBatch)
                for (index, root) in zip(known, roots) where root.rawValue != 0 {
                    results[index] = IDUpdate(oldID: ids[index], newID: root, confidence: 1)
                }
            }
            // The rest: the majority root of their level-2 nodes.
            let rest = stale.filter { results[$0] == nil }
            guard rest.count <= CaveLimits.maxLeafUpdates else {
                throw ConnectomeError.argument(
                    "\(rest.count) stale IDs without a known supervoxel would need one leaves call each (at most \(CaveLimits.maxLeafUpdates) in one command)",
                    hint: "Give their supervoxels (a table with a supervoxel_id column), or update them in parts")
            }
            var suggested: [SegmentID: IDUpdate] = [:]
            for index in rest {
                let id = ids[index]
                if let done = suggested[id] { results[index] = done; continue }
                try Task.checkCancellation()
                let update: IDUpdate
                do {
                    if let best = try await graph.suggestLatestRoots(id, at: at, stopLayer: 2).first {
                        update = IDUpdate(oldID: id, newID: best.root, confidence: best.fraction)
                    } else {
                        update = IDUpdate(oldID: id, newID: id, confidence: 0)
                    }
                } catch let error as ConnectomeError where error.kind == .argument || error.kind == .data {
                    // The graph does not know this ID (400) or answered nonsense for it: nothing found.
                    update = IDUpdate(oldID: id, newID: id, confidence: 0)
                }
                suggested[id] = update
                results[index] = update
            }
            for index in pending { cache.store(results[index]!, key: key, now: now) }
        }
        return results.map { $0! }
    }
}

/// crantpy's `cached_per_id` for `update`: each ID's row kept for 2 hours.
///
/// Unlike crantpy, the key includes the timestamp asked (`now` or the instant), so an update at
/// one time is never answered with a row computed for another; rows for `now` expire after the
/// maximum age like crantpy's.
public final class IDUpdateCache: Sendable {
    public static let maximumAge: TimeInterval = 7200
    /// Rows kept at most; the oldest go first when it is full.
    public static let capacity = 1_000_000

    struct Key: Hashable { let id: SegmentID; let time: String }
    private let entries = Mutex<[Key: (row: IDUpdate, created: Date)]>([:])

    public init() {}

    public func lookup(_ id: SegmentID, key: String, now: Date = Date()) -> IDUpdate? {
        entries.withLock { entries in
            let k = Key(id: id, time: key)
            guard let entry = entries[k] else { return nil }
            guard now.timeIntervalSince(entry.created) < Self.maximumAge else {
                entries[k] = nil
                return nil
            }
            return entry.row
        }
    }

    public func store(_ row: IDUpdate, key: String, now: Date = Date()) {
        entries.withLock { entries in
            if entries.count >= Self.capacity {
                let expired = entries.filter { now.timeIntervalSince($0.value.created) >= Self.maximumAge }.map(\.key)
                for k in expired { entries[k] = nil }
                if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[Key(id: row.oldID, time: key)] = (row, now)
        }
    }

    public func clear() { entries.withLock { $0.removeAll() } }

    /// Rows and the oldest row's age in seconds (for `cache`).
    public func summary(now: Date = Date()) -> (count: Int, oldestAge: TimeInterval?) {
        entries.withLock { entries in
            (entries.count, entries.values.map { now.timeIntervalSince($0.created) }.max())
        }
    }
}
