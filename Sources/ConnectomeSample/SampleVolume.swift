import ConnectomeCore
import Foundation

/// The synthetic EM volume behind the bundled sample dataset, generated in memory.
///
/// Cells are a power diagram (a Voronoi tessellation with weights, so profiles vary in size) whose
/// seeds drift and swell slowly through z; membranes are dark 2–3 px bands along the cell borders;
/// cytoplasm is light grey with two octaves of texture; some cells carry a mitochondrion (dark
/// elongated profile with cristae stripes) or a cluster of vesicles (small dark rings); the image
/// is then blurred a little and given grain. Everything comes from integer hashes and float
/// arithmetic, so the same size gives the same bytes on every run. Membranes belong to the
/// nearest cell: the segmentation is dense (no 0 inside the volume), as a proofread one is.
public struct SampleVolume: Sendable {
    /// Voxels of mip 0 along x, y, z.
    public let size: [Int]
    public let mipCount: Int
    /// The sections generated (all of them, `0..<size[2]`, unless only a slab was asked for):
    /// each section depends only on its z, so a slab holds the same bytes as the whole volume there.
    public let sections: Range<Int>
    /// Image voxels of each mip for `sections`, F order (x fastest; z counted from `sections.lowerBound`).
    public let images: [[UInt8]]
    /// Cell index of each voxel of each mip for `sections`, F order; `segmentIDs[cell]` is its label.
    public let cells: [[UInt16]]
    /// The uint64 label of each cell: CAVE-style root IDs of an 8-layer graph (top 8 bits = 8).
    public let segmentIDs: [UInt64]

    /// Nanometres per voxel at mip 0 (mips halve x and y).
    public static let resolution: [Double] = [8, 8, 42]
    public static let defaultSize = [1024, 1024, 64]
    public static let defaultMipCount = 4

    /// The voxels of mip `mip` along x, y, z (x and y halved per mip, rounding up).
    public static func mipSize(_ size: [Int], _ mip: Int) -> [Int] {
        [(size[0] + (1 << mip) - 1) >> mip, (size[1] + (1 << mip) - 1) >> mip, size[2]]
    }

    public func mipSize(_ mip: Int) -> [Int] { Self.mipSize(size, mip) }

    /// The segment IDs of mip `mip`, F order.
    public func labels(mip: Int) -> [UInt64] {
        cells[mip].map { segmentIDs[Int($0)] }
    }

    /// The root-ID-shaped label of cell `index`: layer 8 in the top byte, root chunk (0, 0, 0),
    /// and a scrambled 28-bit counter (multiplying by an odd constant is a bijection) so IDs look like CRANT's.
    public static func segmentID(cell index: Int) -> UInt64 {
        0x0800_0000_0000_0000 | 0x1000_0000 | ((UInt64(index) &* 0x9E37_79B1) & 0x0FFF_FFFF)
    }

    /// Generates mip 0 section by section on all cores, then the coarser mips
    /// (image: 2 × 2 mean; labels: every other voxel).
    public init(size: [Int] = SampleVolume.defaultSize, mipCount: Int = SampleVolume.defaultMipCount) {
        self.init(size: size, mipCount: mipCount, sections: nil, unlessStopped: nil)
    }

    /// True when every section was generated (what the connectome and the CATMAID stack need).
    public var isWhole: Bool { sections == 0..<size[2] }

    /// Generates the volume, asking `stop` once per row of every section; throws `CancellationError`
    /// when it answers true (an interrupted kernel returns within a row's work, not a volume's).
    /// `sections` (default: all) limits the work to a slab, e.g. the sections the first read needs.
    public init(size: [Int] = SampleVolume.defaultSize, mipCount: Int = SampleVolume.defaultMipCount, sections: Range<Int>? = nil,
                stop: @escaping @Sendable () -> Bool) throws {
        self.init(size: size, mipCount: mipCount, sections: sections, unlessStopped: stop)
        if stop() { throw CancellationError() }
    }

    /// The generator; when `stop` answers true the voxels are left unfinished (the caller throws).
    private init(size: [Int], mipCount: Int, sections wanted: Range<Int>?, unlessStopped stop: (@Sendable () -> Bool)?) {
        precondition(size.count == 3 && size.allSatisfy { $0 > 0 }, "sample size \(size) must be three positive numbers")
        precondition(mipCount >= 1)
        let sections = wanted ?? 0..<size[2]
        precondition(sections.lowerBound >= 0 && sections.upperBound <= size[2] && !sections.isEmpty,
                     "sections \(sections) must lie in 0..<\(size[2])")
        let field = CellField(width: size[0], height: size[1], depth: size[2])
        precondition(field.cellCount <= Int(UInt16.max), "sample size \(size) has too many cells for 16-bit cell indices")
        self.size = size
        self.mipCount = mipCount
        self.sections = sections
        let sectionPixels = size[0] * size[1]
        var image = [UInt8](repeating: 0, count: sectionPixels * sections.count)
        var cells = [UInt16](repeating: 0, count: sectionPixels * sections.count)
        image.withUnsafeMutableBufferPointer { imageBuffer in
            cells.withUnsafeMutableBufferPointer { cellBuffer in
                nonisolated(unsafe) let imageOut = imageBuffer
                nonisolated(unsafe) let cellOut = cellBuffer
                DispatchQueue.concurrentPerform(iterations: sections.count) { index in
                    if let stop, stop() { return }
                    let offset = index * sectionPixels
                    field.renderSection(z: sections.lowerBound + index,
                                        image: UnsafeMutableBufferPointer(rebasing: imageOut[offset..<(offset + sectionPixels)]),
                                        cells: UnsafeMutableBufferPointer(rebasing: cellOut[offset..<(offset + sectionPixels)]),
                                        stop: stop)
                }
            }
        }
        var images = [image]
        var cellMips = [cells]
        for mip in 1..<max(1, mipCount) {
            if let stop, stop() { break }
            var above = Self.mipSize(size, mip - 1)
            above[2] = sections.count
            let (down, downCells) = Self.downsample(images[mip - 1], cellMips[mip - 1], from: above, stop: stop)
            images.append(down)
            cellMips.append(downCells)
        }
        self.images = images
        self.cells = cellMips
        self.segmentIDs = (0..<field.cellCount).map(Self.segmentID(cell:))
    }

    static func downsample(_ image: [UInt8], _ cells: [UInt16], from size: [Int],
                           stop: (@Sendable () -> Bool)? = nil) -> ([UInt8], [UInt16]) {
        let (w, h, d) = (size[0], size[1], size[2])
        let (nw, nh) = ((w + 1) / 2, (h + 1) / 2)
        var out = [UInt8](repeating: 0, count: nw * nh * d)
        var outCells = [UInt16](repeating: 0, count: nw * nh * d)
        image.withUnsafeBufferPointer { src in
            cells.withUnsafeBufferPointer { srcCells in
                for z in 0..<d {
                    if let stop, stop() { break }
                    for y in 0..<nh {
                        let y0 = 2 * y, y1 = min(2 * y + 1, h - 1)
                        for x in 0..<nw {
                            let x0 = 2 * x, x1 = min(2 * x + 1, w - 1)
                            let base = z * w * h
                            let sum = Int(src[base + y0 * w + x0]) + Int(src[base + y0 * w + x1])
                                + Int(src[base + y1 * w + x0]) + Int(src[base + y1 * w + x1])
                            let target = z * nw * nh + y * nw + x
                            out[target] = UInt8((sum + 2) / 4)
                            outCells[target] = srcCells[base + y0 * w + x0]
                        }
                    }
                }
            }
        }
        return (out, outCells)
    }
}
