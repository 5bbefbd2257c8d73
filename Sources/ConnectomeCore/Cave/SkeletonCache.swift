import Foundation
import Synchronization

/// Skeletons fetched from a skeleton service, kept for 2 hours (crantpy's cache age), at most 256.
///
/// Keyed by where they came from and the root ID: a root ID never changes shape (an edit makes a
/// new root), so the age only bounds how long a regenerated skeleton can go unseen.
public final class SkeletonCache: Sendable {
    public static let maximumAge: TimeInterval = 7200
    public static let capacity = 256

    struct Key: Hashable { let source: String; let id: SegmentID }
    private let entries = Mutex<[Key: (skeleton: Skeleton, created: Date)]>([:])

    public init() {}

    public func lookup(_ id: SegmentID, source: String, now: Date = Date()) -> Skeleton? {
        entries.withLock { entries in
            let key = Key(source: source, id: id)
            guard let entry = entries[key] else { return nil }
            guard now.timeIntervalSince(entry.created) < Self.maximumAge else {
                entries[key] = nil
                return nil
            }
            return entry.skeleton
        }
    }

    public func store(_ skeleton: Skeleton, id: SegmentID, source: String, now: Date = Date()) {
        entries.withLock { entries in
            if entries.count >= Self.capacity, let oldest = entries.min(by: { $0.value.created < $1.value.created })?.key {
                entries[oldest] = nil
            }
            entries[Key(source: source, id: id)] = (skeleton, now)
        }
    }

    public func clear() { entries.withLock { $0.removeAll() } }

    /// Skeletons held and the oldest one's age in seconds (for `cache`).
    public func summary(now: Date = Date()) -> (count: Int, oldestAge: TimeInterval?) {
        entries.withLock { entries in (entries.count, entries.values.map { now.timeIntervalSince($0.created) }.max()) }
    }
}
