import Foundation
@testable import ConnectomeCore

/// Builds small precomputed volumes in a `MemoryStore` for reader tests.
enum VolumeFixture {
    static func info(type: PrecomputedInfo.VolumeType = .image, dataType: VoxelDataType = .uint8, channels: Int = 1,
                     size: [Int], offset: [Int] = [0, 0, 0], chunk: [Int], encoding: PrecomputedEncoding = .raw,
                     blockSize: [Int]? = nil) -> PrecomputedInfo {
        PrecomputedInfo(type: type, dataType: dataType, numChannels: channels, scales: [
            PrecomputedScale(key: "s0", size: size, resolution: [8, 8, 42], voxelOffset: offset, chunkSizes: [chunk],
                             encoding: encoding, compressedSegmentationBlockSize: blockSize),
        ])
    }

    /// A uint8 value for every absolute voxel, so expectations need no stored arrays.
    static func voxel(_ x: Int, _ y: Int, _ z: Int) -> UInt8 { UInt8((x * 7 + y * 13 + z * 29) & 255) }

    /// Writes every chunk of scale 0 as raw uint8 from `voxel`, except the ones in `skip`.
    static func rawStore(_ info: PrecomputedInfo, skip: Set<ChunkIndex> = [], gzip: Bool = false) throws -> MemoryStore {
        let store = MemoryStore()
        try store.put("info", info.json.serialized())
        let grid = info.scales[0].grid
        for gz in 0..<grid.gridSize[2] { for gy in 0..<grid.gridSize[1] { for gx in 0..<grid.gridSize[0] {
            let index = ChunkIndex(gx, gy, gz)
            if skip.contains(index) { continue }
            let box = grid.box(index)
            var bytes: [UInt8] = []
            for z in box.z { for y in box.y { for x in box.x { bytes.append(voxel(x, y, z)) } } }
            let data = Data(bytes)
            try store.put("s0/" + grid.name(index), gzip ? Gzip.compress(data) : data)
        } } }
        return store
    }
}

import ImageCodecs

/// A store that records what was asked of it, to check range reads and cache use.
final class CountingStore: KeyValueStore, @unchecked Sendable {
    let inner: any KeyValueStore
    private let lock = NSLock()
    private var _requests: [(String, Range<Int>?)] = []
    init(_ inner: any KeyValueStore) { self.inner = inner }
    var baseURL: String { inner.baseURL }
    var requests: [(String, Range<Int>?)] { lock.withLock { _requests } }
    func reset() { lock.withLock { _requests.removeAll() } }
    func read(_ key: String, range: Range<Int>?) async throws -> Data? {
        lock.withLock { _requests.append((key, range)) }
        return try await inner.read(key, range: range)
    }
}
