/// Grid coordinates of one chunk (chunk (1,0,0) starts one chunk width past the voxel offset).
public struct ChunkIndex: Hashable, Sendable, CustomStringConvertible {
    public var x: Int, y: Int, z: Int
    public init(_ x: Int, _ y: Int, _ z: Int) { self.x = x; self.y = y; self.z = z }
    public var description: String { "(\(x), \(y), \(z))" }
}

/// Where a chunk's voxels sit in absolute (offset-included) coordinates; edge chunks are truncated.
public struct ChunkBox: Hashable, Sendable {
    public var x: Range<Int>, y: Range<Int>, z: Range<Int>
    public var width: Int { x.count }
    public var height: Int { y.count }
    public var depth: Int { z.count }
    public var voxelCount: Int { x.count * y.count * z.count }
}

/// The chunk grid of one scale: `ceil(size / chunk)` chunks, the last one along each axis truncated.
public struct ChunkGrid: Sendable, Equatable {
    public var size: [Int]
    public var voxelOffset: [Int]
    public var chunkSize: [Int]

    public init(size: [Int], voxelOffset: [Int], chunkSize: [Int]) {
        self.size = size
        self.voxelOffset = voxelOffset
        self.chunkSize = chunkSize
    }

    /// Chunks along x, y, z.
    public var gridSize: [Int] { (0..<3).map { (size[$0] + chunkSize[$0] - 1) / chunkSize[$0] } }

    /// The volume's voxels along one axis, in absolute coordinates.
    public func bounds(axis: Int) -> Range<Int> { voxelOffset[axis]..<(voxelOffset[axis] + size[axis]) }

    /// The voxels chunk `index` holds.
    public func box(_ index: ChunkIndex) -> ChunkBox {
        func span(_ g: Int, _ axis: Int) -> Range<Int> {
            let start = voxelOffset[axis] + g * chunkSize[axis]
            return start..<min(start + chunkSize[axis], voxelOffset[axis] + size[axis])
        }
        return ChunkBox(x: span(index.x, 0), y: span(index.y, 1), z: span(index.z, 2))
    }

    /// The unsharded file name `x0-x1_y0-y1_z0-z1` (absolute, end exclusive, truncated at the edge).
    public func name(_ index: ChunkIndex) -> String {
        let b = box(index)
        return "\(b.x.lowerBound)-\(b.x.upperBound)_\(b.y.lowerBound)-\(b.y.upperBound)_\(b.z.lowerBound)-\(b.z.upperBound)"
    }

    /// The grid indices along `axis` of the chunks that intersect `range` (absolute, clipped to the volume).
    public func chunkRange(axis: Int, covering range: Range<Int>) -> Range<Int> {
        let clipped = range.clamped(to: bounds(axis: axis))
        guard !clipped.isEmpty else { return 0..<0 }
        let first = (clipped.lowerBound - voxelOffset[axis]) / chunkSize[axis]
        let last = (clipped.upperBound - 1 - voxelOffset[axis]) / chunkSize[axis]
        return first..<(last + 1)
    }

    /// The chunk that holds an absolute voxel, or nil outside the volume.
    public func chunk(containing point: (Int, Int, Int)) -> ChunkIndex? {
        let p = [point.0, point.1, point.2]
        for axis in 0..<3 where !bounds(axis: axis).contains(p[axis]) { return nil }
        return ChunkIndex((p[0] - voxelOffset[0]) / chunkSize[0], (p[1] - voxelOffset[1]) / chunkSize[1],
                          (p[2] - voxelOffset[2]) / chunkSize[2])
    }

    /// The sharded format's chunk ID: a Morton code that interleaves only the bits each axis needs.
    public func compressedMortonCode(_ index: ChunkIndex) -> UInt64 {
        let grid = gridSize
        let coords = [index.x, index.y, index.z]
        var code: UInt64 = 0
        var outBit: UInt64 = 0
        var bit = 0
        while bit < 64 {
            var any = false
            for axis in 0..<3 where (1 << bit) < grid[axis] {
                any = true
                code |= UInt64((coords[axis] >> bit) & 1) << outBit
                outBit += 1
            }
            if !any { break }
            bit += 1
        }
        return code
    }
}
