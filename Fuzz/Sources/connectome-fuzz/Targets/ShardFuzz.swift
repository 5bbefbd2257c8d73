import ConnectomeCore
import Foundation

extension FuzzTarget {
    /// The sharding spec a `shard` input selects (its first two bytes), shared with the seed generator.
    ///
    /// Byte 0: bit 0 preshift_bits 0/1, bit 1 hash identity/murmurhash3_x86_128, bits 2–3 minishard_bits,
    /// bit 4 shard_bits 0/1. Byte 1: bit 0 gzip minishard indices, bit 1 gzip chunk data, bit 2 a uint64
    /// compressed_segmentation volume (blocks 8 × 8 × 2) instead of uint8 raw.
    static func shardInfo(_ b0: UInt8, _ b1: UInt8) -> String {
        let cseg = b1 & 4 != 0
        let encoding = cseg ? #""compressed_segmentation", "compressed_segmentation_block_size": [8, 8, 2]"# : #""raw""#
        return """
        {"@type": "neuroglancer_multiscale_volume", "type": "\(cseg ? "segmentation" : "image")",
         "data_type": "\(cseg ? "uint64" : "uint8")", "num_channels": 1,
         "scales": [{"key": "s0", "size": [32, 32, 2], "resolution": [8, 8, 40], "voxel_offset": [0, 0, 0],
                     "chunk_sizes": [[16, 16, 2]], "encoding": \(encoding),
                     "sharding": {"@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": \(b0 & 1),
                                  "hash": "\(b0 & 2 != 0 ? "murmurhash3_x86_128" : "identity")",
                                  "minishard_bits": \((b0 >> 2) & 3), "shard_bits": \((b0 >> 4) & 1),
                                  "minishard_index_encoding": "\(b1 & 1 != 0 ? "gzip" : "raw")",
                                  "data_encoding": "\(b1 & 2 != 0 ? "gzip" : "raw")"}}]}
        """
    }

    /// Two bytes choosing a sharding spec (see `shardInfo`), then a shard file, stored under every shard
    /// file name of the spec: a 32 × 32 section (four chunks) and four voxels are read from it, through
    /// the shard index, the minishard indices and the chunks they point at.
    static let shard = FuzzTarget(name: "shard", summary: "shard and minishard indices of sharded precomputed volumes", runsTasks: true) { data in
        var reader = ByteReader(data)
        let (b0, b1) = (reader.byte(), reader.byte())
        let shardFile = reader.rest
        guard let info = try? PrecomputedInfo.parse(Data(shardInfo(b0, b1).utf8), source: "memory://fuzz/info"),
              let sharding = info.scales[0].sharding
        else { fatalError("shard: the template info does not parse") }
        let store = MemoryStore(name: "fuzz")
        for shard in 0..<(UInt64(1) << UInt64(sharding.shardBits)) {
            try? store.put("s0/" + sharding.shardFileName(shard), shardFile)
        }
        let volume = PrecomputedVolume(store: store, info: info, cache: nil)
        blocking {
            do {
                _ = try await volume.readSection(mip: 0, x: 0..<32, y: 0..<32, z: 1)
            } catch {
                expectConnectomeError(error, "shard readSection")
            }
            do {
                _ = try await volume.readValues(mip: 0, points: [(0, 0, 0), (31, 0, 1), (0, 31, 0), (31, 31, 1)])
            } catch {
                expectConnectomeError(error, "shard readValues")
            }
        }
    }
}
