import Foundation

/// One minishard's table of chunks: chunk ID → byte range in the shard file.
struct MinishardIndex: Sendable {
    private(set) var ranges: [UInt64: Range<Int>] = [:]

    static let empty = MinishardIndex()

    var byteCount: Int { 64 + ranges.count * 32 }

    func range(of chunkID: UInt64) -> Range<Int>? { ranges[chunkID] }

    /// Parses the decoded `[3, n]` uint64 table: delta-coded IDs, delta-coded starts (relative to the
    /// previous chunk's end, the first to the end of the shard index), sizes.
    init(decoding data: Data, shardIndexBytes: Int, source: String) throws {
        guard data.count % 24 == 0 else {
            throw ConnectomeError.data("minishard index of \(source) has \(data.count) bytes, not a multiple of 24",
                                       hint: "The shard file is damaged or its sharding spec is wrong")
        }
        let count = data.count / 24
        try data.withUnsafeBytes { raw in
            func value(_ row: Int, _ column: Int) -> UInt64 {
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: (row * count + column) * 8, as: UInt64.self))
            }
            var chunkID: UInt64 = 0
            var offset = UInt64(shardIndexBytes)
            ranges.reserveCapacity(count)
            for column in 0..<count {
                chunkID &+= value(0, column)
                offset &+= value(1, column)
                let size = value(2, column)
                let end = offset &+ size
                guard end >= offset, end <= UInt64(Int.max) else {
                    throw ConnectomeError.data("minishard index of \(source) gives chunk \(chunkID) an impossible range",
                                               hint: "The shard file is damaged or its sharding spec is wrong")
                }
                ranges[chunkID] = Int(offset)..<Int(end)
                offset = end
            }
        }
    }

    private init() {}
}
