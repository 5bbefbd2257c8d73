import CommandLanguage
import ConnectomeCore
import Foundation

/// `cache`: what the in-memory chunk cache holds; `cache clear`; `cache size=BYTES`.
enum CacheCommand {
    static func all(state: KernelState) -> [CommandSpec] { [cache(state)] }

    static func cache(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "cache",
            summary: "Show the in-memory cache of decoded chunks; `cache clear` empties it, size= sets its limit.",
            details: """
                Decoded chunks (and volume `info` files) are kept in memory so that reading nearby sections \
                again costs no network. The cache holds at most `size` bytes, dropping the least recently \
                used chunks first. `cache clear` empties it and forgets the `info` files, so changed data \
                on a server is read again.
                """,
            parameters: [ParameterSpec("size", .any, help: "the limit in bytes, or a string such as \"2 GB\" / \"512 MB\"")],
            keywords: ["clear"],
            examples: ["cache", "cache clear", "cache size=\"2 GB\""]
        ) { invocation in
            if invocation.hasKeyword("clear") {
                state.chunkCache.clear()
                state.infoCache.clear()
                state.forgetVolumes()
            }
            if let value = invocation.value("size") {
                guard let bytes = parseBytes(value) else {
                    throw invocation.argumentError("size", "size=\(value.plainText) is not an amount of memory",
                                                   hint: "Give bytes (536870912) or a string such as \"512 MB\" or \"2 GB\"")
                }
                state.chunkCache.capacityBytes = bytes
            }
            return .table(table(state.chunkCache.stats, infoFiles: state.infoCache.count))
        }
    }

    static func table(_ stats: ChunkCache.Stats, infoFiles: Int) -> Table {
        Table(
            title: "chunk cache",
            columns: ["entries", "memory", "limit", "hits", "misses", "info files"],
            rows: [[.int(Int128(stats.entries)), .string(formatBytes(stats.bytes)), .string(formatBytes(stats.capacityBytes)),
                    .int(Int128(stats.hits)), .int(Int128(stats.misses)), .int(Int128(infoFiles))]])
    }

    static func parseBytes(_ value: Value) -> Int? {
        if let number = value.asInt { return number >= 0 ? number : nil }
        guard let text = value.asString?.trimmingCharacters(in: .whitespaces).uppercased() else { return nil }
        let units: [(String, Int)] = [("GIB", 1 << 30), ("MIB", 1 << 20), ("KIB", 1 << 10), ("GB", 1_000_000_000),
                                      ("MB", 1_000_000), ("KB", 1_000), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number >= 0 else { return nil }
            return Int(number * Double(factor))
        }
        return Int(text)
    }

    static func formatBytes(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}
