import Synchronization

/// Parsed `info` files by volume URL, so reopening a volume costs no request.
///
/// Entries never expire on their own: a precomputed volume's `info` does not change while a
/// session reads it; `clear()` (the `cache clear` command) forgets them all. There is no
/// process-wide instance: the kernel owns one and passes it in, tests make their own.
public final class InfoCache: Sendable {
    private let entries = Mutex<[String: PrecomputedInfo]>([:])

    public init() {}

    public func info(for url: String) -> PrecomputedInfo? {
        entries.withLock { $0[url] }
    }

    public func store(_ info: PrecomputedInfo, for url: String) {
        entries.withLock { $0[url] = info }
    }

    public var count: Int { entries.withLock { $0.count } }

    public func clear() {
        entries.withLock { $0.removeAll() }
    }
}
