import Foundation
import Synchronization

/// crantpy's `cached_result` for annotation tables: each table kept for 2 hours, then read again.
///
/// One entry per table (crantpy keys by dataset, `latest` or `sandbox`, but both read the same
/// Seatable table, so the kernel keys by the table and reads it once for both). A hit younger than
/// the maximum age is returned; an older one is dropped and read again; `clear_cache=true` on
/// `neurons` / `annotations` drops the entry first. Concurrent reads of one table share one read.
public final class AnnotationTableCache: Sendable {
    public static let maximumAge: TimeInterval = 7200

    struct Entry {
        var table: DataTable
        var created: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let reading = Mutex<[String: Task<DataTable, any Error>]>([:])

    public init() {}

    /// The cached table of `key` if younger than the maximum age, else `read()`'s, stored.
    public func table(_ key: String, now: @escaping @Sendable () -> Date = { Date() },
                      read: @escaping @Sendable () async throws -> DataTable) async throws -> DataTable {
        if let hit = lookup(key, now: now()) { return hit }
        let task = reading.withLock { tasks in
            if let running = tasks[key] { return running }
            let task = Task { () async throws -> DataTable in
                let table = try await read()
                self.store(table, key: key, now: now())
                return table
            }
            tasks[key] = task
            return task
        }
        defer { reading.withLock { tasks in if tasks[key] == task { tasks[key] = nil } } }
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }

    public func lookup(_ key: String, now: Date = Date()) -> DataTable? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now.timeIntervalSince(entry.created) < Self.maximumAge else {
                entries[key] = nil
                return nil
            }
            return entry.table
        }
    }

    public func store(_ table: DataTable, key: String, now: Date = Date()) {
        entries.withLock { $0[key] = Entry(table: table, created: now) }
    }

    /// Drops `key` (`clear_cache=true`), or every table (`cache clear`).
    public func clear(_ key: String? = nil) {
        entries.withLock { entries in
            if let key { entries[key] = nil } else { entries.removeAll() }
        }
    }

    /// Each cached table with its rows and age in seconds, by key (for `cache`).
    public func summary(now: Date = Date()) -> [(key: String, rows: Int, age: TimeInterval)] {
        entries.withLock { entries in
            entries.map { ($0.key, $0.value.table.rowCount, now.timeIntervalSince($0.value.created)) }.sorted { $0.key < $1.key }
        }
    }
}
