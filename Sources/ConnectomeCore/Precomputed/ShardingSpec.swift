/// The `sharding` object of a scale (`neuroglancer_uint64_sharded_v1`): how chunk IDs map to shard files.
public struct ShardingSpec: Sendable, Equatable {
    public enum Hash: String, Sendable {
        case identity
        case murmurhash3_x86_128
    }

    /// How a minishard index or a chunk's data is stored inside a shard file.
    public enum DataEncoding: String, Sendable {
        case raw, gzip
    }

    public var preshiftBits: Int
    public var hash: Hash
    public var minishardBits: Int
    public var shardBits: Int
    public var minishardIndexEncoding: DataEncoding
    public var dataEncoding: DataEncoding

    public init(preshiftBits: Int, hash: Hash, minishardBits: Int, shardBits: Int,
                minishardIndexEncoding: DataEncoding = .raw, dataEncoding: DataEncoding = .raw) {
        self.preshiftBits = preshiftBits
        self.hash = hash
        self.minishardBits = minishardBits
        self.shardBits = shardBits
        self.minishardIndexEncoding = minishardIndexEncoding
        self.dataEncoding = dataEncoding
    }

    /// Where a chunk ID lives: which shard file and which minishard in it.
    public func location(of chunkID: UInt64) -> (shard: UInt64, minishard: UInt64) {
        let shifted = preshiftBits >= 64 ? 0 : chunkID >> UInt64(preshiftBits)
        let hashed: UInt64 = switch hash {
        case .identity: shifted
        case .murmurhash3_x86_128: MurmurHash3.x86_128Low64(shifted)
        }
        let minishard = hashed & Self.mask(minishardBits)
        let shard = (minishardBits >= 64 ? 0 : hashed >> UInt64(minishardBits)) & Self.mask(shardBits)
        return (shard, minishard)
    }

    /// The shard file name: lowercase hex zero-padded to `ceil(shard_bits / 4)` digits, `.shard`.
    public func shardFileName(_ shard: UInt64) -> String {
        let digits = (shardBits + 3) / 4
        var hex = String(shard, radix: 16)
        if hex.count < digits { hex = String(repeating: "0", count: digits - hex.count) + hex }
        return hex + ".shard"
    }

    /// Bytes of the shard index at the start of every shard file: 16 per minishard.
    public var shardIndexBytes: Int { 16 << minishardBits }

    static func mask(_ bits: Int) -> UInt64 {
        bits >= 64 ? ~0 : (1 << UInt64(bits)) - 1
    }
}
