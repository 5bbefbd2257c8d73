import Foundation

/// Neuroglancer's `compressed_segmentation` chunk codec (uint32 and uint64 labels), written from the spec.
///
/// The format is random access per block: each block header points at its own lookup table and
/// bit-packed indices, so one z-plane of a chunk decodes without touching the other blocks' planes.
/// That is what lets a section read decode 1/64 of a 64³ chunk instead of all of it.
public enum CompressedSegmentation {
    /// Decodes a whole chunk into little-endian values in F order `[x, y, z, channel]`.
    public static func decode(_ data: Data, chunkSize: [Int], blockSize: [Int], dataType: VoxelDataType,
                              channels: Int = 1) throws -> [UInt8] {
        let itemSize = try checkedItemSize(dataType)
        try checkShape(chunkSize: chunkSize, blockSize: blockSize, channels: channels, itemSize: itemSize)
        let (cx, cy, cz) = (chunkSize[0], chunkSize[1], chunkSize[2])
        let channelItems = cx * cy * cz
        var output = [UInt8](repeating: 0, count: channelItems * channels * itemSize)
        try data.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { out in
                for channel in 0..<channels {
                    let layout = OutputLayout(base: channel * channelItems, xStride: 1, yStride: cx, zStride: cx * cy)
                    try decodeChannel(input, channel: channel, channels: channels, chunkSize: chunkSize,
                                      blockSize: blockSize, itemSize: itemSize, zRange: 0..<cz, layout: layout, out: out)
                }
            }
        }
        return output
    }

    /// Decodes only plane `z` (0-based inside the chunk) into `[x, y]` pixels, channels interleaved per pixel.
    public static func decodePlane(_ data: Data, chunkSize: [Int], blockSize: [Int], dataType: VoxelDataType,
                                   channels: Int = 1, z: Int) throws -> [UInt8] {
        let itemSize = try checkedItemSize(dataType)
        try checkShape(chunkSize: chunkSize, blockSize: blockSize, channels: channels, itemSize: itemSize)
        let (cx, cy) = (chunkSize[0], chunkSize[1])
        guard (0..<chunkSize[2]).contains(z) else {
            throw ConnectomeError.argument("plane \(z) is outside a compressed_segmentation chunk of depth \(chunkSize[2])")
        }
        var output = [UInt8](repeating: 0, count: cx * cy * channels * itemSize)
        try data.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { out in
                for channel in 0..<channels {
                    let layout = OutputLayout(base: channel, xStride: channels, yStride: cx * channels,
                                              zStride: 0, zOrigin: z)
                    try decodeChannel(input, channel: channel, channels: channels, chunkSize: chunkSize,
                                      blockSize: blockSize, itemSize: itemSize, zRange: z..<(z + 1), layout: layout,
                                      out: out)
                }
            }
        }
        return output
    }

    /// Where decoded voxel (x, y, z) of a channel goes in the output, in items.
    struct OutputLayout {
        var base: Int
        var xStride: Int
        var yStride: Int
        var zStride: Int
        var zOrigin = 0
        func index(_ x: Int, _ y: Int, _ z: Int) -> Int { base + x * xStride + y * yStride + (z - zOrigin) * zStride }
    }

    static func checkedItemSize(_ dataType: VoxelDataType) throws -> Int {
        switch dataType {
        case .uint32: return 4
        case .uint64: return 8
        default:
            throw ConnectomeError.data("compressed_segmentation holds uint32 or uint64 labels, not \(dataType.rawValue)")
        }
    }

    /// Chunk and block shapes within `DataLimits` (what the `info` parser enforces), so that the
    /// block grid, bit offsets and the output size below cannot overflow.
    static func checkShape(chunkSize: [Int], blockSize: [Int], channels: Int, itemSize: Int) throws {
        let axes = 1...DataLimits.maxChunkAxisVoxels
        for (name, shape) in [("chunk size", chunkSize), ("block size", blockSize)] {
            guard shape.count == 3, shape.allSatisfy(axes.contains),
                  let voxels = Checked.product(shape), voxels <= DataLimits.maxChunkVoxels else {
                throw ConnectomeError.data(
                    "compressed_segmentation \(name) \(shape) is not three integers from 1 to \(DataLimits.maxChunkAxisVoxels) with at most \(DataLimits.maxChunkVoxels) voxels in all",
                    hint: "The volume's info file gives an impossible chunk or block size")
            }
        }
        guard (1...DataLimits.maxChannels).contains(channels),
              let bytes = Checked.multiply(chunkSize[0], chunkSize[1], chunkSize[2], channels, itemSize),
              bytes <= DataLimits.maxChunkBytes else {
            throw ConnectomeError.data(
                "a compressed_segmentation chunk of \(chunkSize) voxels × \(channels) channel(s) × \(itemSize) bytes is more than \(DataLimits.describe(bytes: DataLimits.maxChunkBytes))",
                hint: "The volume's info file gives an impossible chunk size or channel count")
        }
    }

    static func corrupt(_ what: String) -> ConnectomeError {
        ConnectomeError.data("corrupt compressed_segmentation chunk: \(what)",
                             hint: "The chunk file is damaged or was written with a different block size")
    }

    static func decodeChannel(_ input: UnsafeRawBufferPointer, channel: Int, channels: Int, chunkSize: [Int],
                              blockSize: [Int], itemSize: Int, zRange: Range<Int>, layout: OutputLayout,
                              out: UnsafeMutableRawBufferPointer) throws {
        let totalWords = input.count / 4
        guard totalWords >= channels else { throw corrupt("\(input.count) bytes cannot hold \(channels) channel offsets") }
        let channelStart = Int(input.loadUnaligned(fromByteOffset: channel * 4, as: UInt32.self).littleEndian)
        let (bx, by, bz) = (blockSize[0], blockSize[1], blockSize[2])
        let (cx, cy, cz) = (chunkSize[0], chunkSize[1], chunkSize[2])
        let (gx, gy, gz) = ((cx + bx - 1) / bx, (cy + by - 1) / by, (cz + bz - 1) / bz)
        let channelWords = totalWords - channelStart
        guard channelStart >= channels, channelWords >= 2 * gx * gy * gz else {
            throw corrupt("channel \(channel) starts at word \(channelStart) of \(totalWords), too late for \(gx * gy * gz) block headers")
        }
        let words = input.baseAddress!.advanced(by: channelStart * 4)
        @inline(__always) func word(_ index: Int) -> UInt32 {
            UInt32(littleEndian: words.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
        }
        let wordsPerValue = itemSize / 4
        let output = out.baseAddress!

        for blockZ in (zRange.lowerBound / bz)...((zRange.upperBound - 1) / bz) {
            let z0 = blockZ * bz
            let zs = max(z0, zRange.lowerBound)..<min(z0 + bz, zRange.upperBound, cz)
            for blockY in 0..<gy {
                for blockX in 0..<gx {
                    let headerIndex = 2 * (blockX + gx * (blockY + gy * blockZ))
                    let low = word(headerIndex), high = word(headerIndex + 1)
                    let tableOffset = Int(low & 0xFF_FFFF)
                    let bits = Int(low >> 24)
                    let valuesOffset = Int(high)
                    guard [0, 1, 2, 4, 8, 16, 32].contains(bits) else {
                        throw corrupt("block (\(blockX), \(blockY), \(blockZ)) has \(bits) encoded bits")
                    }
                    guard tableOffset + wordsPerValue <= channelWords else {
                        throw corrupt("block (\(blockX), \(blockY), \(blockZ)) lookup table at word \(tableOffset) past the end (\(channelWords) words)")
                    }
                    let tableEntries = (channelWords - tableOffset) / wordsPerValue
                    let valueWords = (bits * bx * by * bz + 31) / 32
                    guard bits == 0 || valuesOffset + valueWords <= channelWords else {
                        throw corrupt("block (\(blockX), \(blockY), \(blockZ)) values at word \(valuesOffset) past the end")
                    }
                    let x0 = blockX * bx, y0 = blockY * by
                    let xEnd = min(x0 + bx, cx), yEnd = min(y0 + by, cy)
                    let mask = bits == 32 ? UInt32.max : (UInt32(1) << UInt32(bits)) &- 1
                    for z in zs {
                        for y in y0..<yEnd {
                            let rowBit = bits * (bx * ((y - y0) + by * (z - z0)))
                            var target = layout.index(x0, y, z)
                            for x in x0..<xEnd {
                                var entry = 0
                                if bits != 0 {
                                    let bit = rowBit + bits * (x - x0)
                                    entry = Int((word(valuesOffset + bit >> 5) >> UInt32(bit & 31)) & mask)
                                    guard entry < tableEntries else {
                                        throw corrupt("block (\(blockX), \(blockY), \(blockZ)) index \(entry) past its lookup table")
                                    }
                                }
                                let source = (tableOffset + entry * wordsPerValue) * 4
                                if itemSize == 8 {
                                    output.storeBytes(of: words.loadUnaligned(fromByteOffset: source, as: UInt64.self),
                                                      toByteOffset: target * 8, as: UInt64.self)
                                } else {
                                    output.storeBytes(of: words.loadUnaligned(fromByteOffset: source, as: UInt32.self),
                                                      toByteOffset: target * 4, as: UInt32.self)
                                }
                                target += layout.xStride
                            }
                        }
                    }
                }
            }
        }
    }
}
