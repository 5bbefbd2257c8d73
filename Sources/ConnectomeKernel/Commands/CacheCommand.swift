import CommandLanguage
import ConnectomeCore
import Foundation

/// `cache`: what the in-memory chunk cache holds; `cache clear`; `cache size=BYTES`; `cache budget=BYTES`.
enum CacheCommand {
    static func all(state: KernelState) -> [CommandSpec] { [cache(state)] }

    /// An amount of memory: bytes, or a string with a unit ("512 MB"); `byteCount` reads it.
    static let bytes = ParameterType("bytes")

    static func cache(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "cache",
            summary: "Show the kernel's caches (chunks, annotation tables, ID updates, skeletons) and their ages; `cache clear` empties them, size= sets the chunk limit, budget= a cell's memory.",
            details: """
                Decoded chunks (and volume `info` files) are kept in memory so that reading nearby sections \
                again costs no network. The cache holds at most `size` bytes, dropping the least recently \
                used chunks first. `cache clear` empties it and forgets the `info` files, so changed data \
                on a server is read again. The same table lists the caches of remote queries with the age \
                of their oldest entry: annotation tables read from Seatable (neurons, annotations on CRANT), \
                ID updates (update) and skeletons from CAVE's skeleton service, each kept for 2 hours as \
                crantpy keeps them; cache clear empties these too.
                `budget` is the most memory one cell may hold while it builds an image (1 GiB unless set): \
                a `slice` adds up its voxels, image, PNG and base64 before it reads anything and refuses, \
                naming the sizes, when they exceed it. Both limits take bytes or a string such as "512 MB" \
                or "2 GiB", up to this machine's memory (\(ByteCount.format(MemoryBudget.physicalMemory))).
                """,
            parameters: [
                ParameterSpec("size", bytes, range: MemoryBudget.cacheRange,
                              help: "the cache's limit in bytes, or a string such as \"2 GB\" / \"512 MB\""),
                ParameterSpec("budget", bytes, default: "1 GiB", range: MemoryBudget.budgetRange,
                              help: "the most memory one cell may hold while it builds an image"),
            ],
            keywords: ["clear"],
            examples: ["cache", "cache clear", "cache size=\"2 GB\"", "cache budget=\"4 GB\""]
        ) { invocation in
            let size = try invocation.byteCount("size")
            let budget = try invocation.byteCount("budget")
            if invocation.hasKeyword("clear") {
                state.chunkCache.clear()
                state.infoCache.clear()
                state.cave.updateCache.clear()
                state.cave.skeletonCache.clear()
                state.seatable.cache.clear()
                state.forgetVolumes()
            }
            if let size { state.chunkCache.capacityBytes = size }
            if let budget { state.memoryBudget.bytes = budget }
            return .table(table(state))
        }
    }

    /// One row per cache: what it holds, its memory and limit, and the age of its oldest entry.
    static func table(_ state: KernelState, now: Date = Date()) -> Table {
        let stats = state.chunkCache.stats
        let maxAge = "\(NumberFormat.grouped(Int(AnnotationTableCache.maximumAge))) s"
        func age(_ seconds: TimeInterval?) -> Value { seconds.map { .float(($0 * 10).rounded() / 10) } ?? .null }
        var rows: [[Value]] = [
            ["chunks", .string("\(NumberFormat.count(stats.entries, "chunk")) · \(NumberFormat.grouped(stats.hits)) hits · \(NumberFormat.grouped(stats.misses)) misses"),
             .string(ByteCount.format(stats.bytes)), .string(ByteCount.format(stats.capacityBytes)), .null],
            ["info files", .string(NumberFormat.count(state.infoCache.count, "file")), .null, .null, .null],
        ]
        for entry in state.seatable.cache.summary(now: now) {
            rows.append(["annotation table", .string("\(NumberFormat.count(entry.rows, "row")) · \(entry.key)"), .null, .string(maxAge), age(entry.age)])
        }
        let updates = state.cave.updateCache.summary(now: now)
        rows.append(["ID updates", .string(NumberFormat.count(updates.count, "row")), .null, .string(maxAge), age(updates.oldestAge)])
        let skeletons = state.cave.skeletonCache.summary(now: now)
        rows.append(["skeletons", .string(NumberFormat.count(skeletons.count, "skeleton")), .null,
                     .string("\(SkeletonCache.capacity) · \(maxAge)"), age(skeletons.oldestAge)])
        return Table(
            title: "caches",
            columns: ["cache", "holds", "memory", "limit", "age_s"],
            rows: rows,
            footer: "age_s: seconds since the oldest entry was read; older than the limit, it is read again · "
                + "cell memory budget \(ByteCount.format(state.memoryBudget.bytes)) (cache budget=\"2 GB\" changes it)")
    }
}
