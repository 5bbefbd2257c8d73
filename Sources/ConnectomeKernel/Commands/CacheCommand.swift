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
            summary: "Show the in-memory cache of decoded chunks; `cache clear` empties it, size= sets its limit, budget= a cell's memory.",
            details: """
                Decoded chunks (and volume `info` files) are kept in memory so that reading nearby sections \
                again costs no network. The cache holds at most `size` bytes, dropping the least recently \
                used chunks first. `cache clear` empties it and forgets the `info` files, so changed data \
                on a server is read again.
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
                state.forgetVolumes()
            }
            if let size { state.chunkCache.capacityBytes = size }
            if let budget { state.memoryBudget.bytes = budget }
            return .table(table(state.chunkCache.stats, infoFiles: state.infoCache.count, budget: state.memoryBudget.bytes))
        }
    }

    static func table(_ stats: ChunkCache.Stats, infoFiles: Int, budget: Int) -> Table {
        Table(
            title: "chunk cache",
            columns: ["entries", "memory", "limit", "hits", "misses", "info files"],
            rows: [[.int(Int128(stats.entries)), .string(ByteCount.format(stats.bytes)), .string(ByteCount.format(stats.capacityBytes)),
                    .int(Int128(stats.hits)), .int(Int128(stats.misses)), .int(Int128(infoFiles))]],
            footer: "cell memory budget \(ByteCount.format(budget)) (cache budget=\"2 GB\" changes it)")
    }
}
