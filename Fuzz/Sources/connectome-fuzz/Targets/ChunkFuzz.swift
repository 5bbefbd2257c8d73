import ConnectomeCore
import Foundation

extension FuzzTarget {
    /// The (data type, channels, encoding) a `chunk` input's first byte selects, modulo the count.
    static let chunkLayouts: [(dataType: String, channels: Int, encoding: String)] = [
        ("uint8", 1, "raw"), ("uint8", 1, "jpeg"), ("uint8", 3, "jpeg"), ("uint8", 1, "png"), ("uint8", 3, "png"),
        ("uint16", 1, "png"), ("uint32", 1, "compressed_segmentation"), ("uint64", 1, "compressed_segmentation"),
        ("uint16", 2, "raw"), ("float32", 1, "raw"),
    ]

    /// The one-chunk volume a `chunk` input's first two bytes describe (shared with the seed generator).
    ///
    /// Byte 0 picks a layout from `chunkLayouts`; bit 0 of byte 1 makes the volume 16 × 12 × 3 instead of
    /// 16 × 16 × 4, so the chunk (16 × 16 × 4 in the info) is an edge chunk truncated to the volume.
    static func chunkInfo(_ b0: UInt8, _ b1: UInt8) -> (info: String, key: String) {
        let layout = chunkLayouts[Int(b0) % chunkLayouts.count]
        let size = b1 & 1 == 0 ? [16, 16, 4] : [16, 12, 3]
        let cseg = layout.encoding == "compressed_segmentation" ? #", "compressed_segmentation_block_size": [8, 8, 2]"# : ""
        let info = """
        {"@type": "neuroglancer_multiscale_volume", "type": "\(cseg.isEmpty ? "image" : "segmentation")",
         "data_type": "\(layout.dataType)", "num_channels": \(layout.channels),
         "scales": [{"key": "s0", "size": [\(size[0]), \(size[1]), \(size[2])], "resolution": [8, 8, 40],
                     "voxel_offset": [0, 0, 0], "chunk_sizes": [[16, 16, 4]], "encoding": "\(layout.encoding)"\(cseg)}]}
        """
        return (info, "s0/0-\(size[0])_0-\(size[1])_0-\(size[2])")
    }

    /// Two bytes choosing a volume (see `chunkInfo`), then the one chunk file it holds: the first and last
    /// sections and four voxels are read, through gzip detection, the JPEG / PNG / raw / compressed
    /// segmentation decoders, and the checks of each decoded chunk against the box the info gives it.
    static let chunk = FuzzTarget(name: "chunk", summary: "one chunk of every encoding read through a volume", runsTasks: true) { data in
        var reader = ByteReader(data)
        let (b0, b1) = (reader.byte(), reader.byte())
        let (text, key) = chunkInfo(b0, b1)
        guard let info = try? PrecomputedInfo.parse(Data(text.utf8), source: "memory://fuzz/info") else {
            fatalError("chunk: the template info does not parse")
        }
        let store = MemoryStore(name: "fuzz")
        try? store.put(key, reader.rest)
        let volume = PrecomputedVolume(store: store, info: info, cache: nil)
        let size = info.scales[0].size
        blocking {
            for z in [0, size[2] - 1] {
                do {
                    _ = try await volume.readSection(mip: 0, x: 0..<size[0], y: 0..<size[1], z: z)
                } catch {
                    expectConnectomeError(error, "chunk readSection")
                }
            }
            do {
                _ = try await volume.readValues(mip: 0, points: [(0, 0, 0), (size[0] - 1, size[1] - 1, size[2] - 1)])
            } catch {
                expectConnectomeError(error, "chunk readValues")
            }
        }
    }
}
