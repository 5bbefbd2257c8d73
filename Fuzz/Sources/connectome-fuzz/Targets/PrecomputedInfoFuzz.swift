import ConnectomeCore
import Foundation

extension FuzzTarget {
    /// An `info` file as a server would send it, then everything a first read derives from it: each scale's
    /// chunk grid, chunk names, Morton codes and shard names, and a 4 × 4 section and a voxel at the volume's
    /// origin from a store that holds no chunks (so they read as background and only the arithmetic runs).
    static let precomputedInfo = FuzzTarget(name: "precomputed-info", summary: "precomputed info JSON and what a read derives from it", runsTasks: true,
                                         json: .whole) { data in
        let info: PrecomputedInfo
        do {
            info = try PrecomputedInfo.parse(data, source: "memory://fuzz/info")
        } catch {
            expectConnectomeError(error, "precomputed-info")
            return
        }
        for scale in info.scales.prefix(4) {
            let grid = scale.grid
            let gridSize = grid.gridSize
            let last = ChunkIndex(max(gridSize[0] - 1, 0), max(gridSize[1] - 1, 0), max(gridSize[2] - 1, 0))
            _ = grid.name(last)
            let code = grid.compressedMortonCode(last)
            if let sharding = scale.sharding {
                let location = sharding.location(of: code)
                _ = sharding.shardFileName(location.shard)
            }
        }
        let volume = PrecomputedVolume(store: MemoryStore(name: "fuzz"), info: info, cache: nil)
        blocking {
            for mip in 0..<min(info.scales.count, 4) {
                let grid = info.scales[mip].grid
                let (x, y, z) = (grid.voxelOffset[0], grid.voxelOffset[1], grid.voxelOffset[2])
                do {
                    _ = try await volume.readSection(mip: mip, x: x..<(x + 4), y: y..<(y + 4), z: z)
                } catch {
                    expectConnectomeError(error, "precomputed-info readSection")
                }
                do {
                    _ = try await volume.readValues(mip: mip, points: [(x, y, z)])
                } catch {
                    expectConnectomeError(error, "precomputed-info readValues")
                }
            }
        }
    }
}
