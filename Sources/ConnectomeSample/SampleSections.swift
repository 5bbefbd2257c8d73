import ConnectomeCore
import Foundation

/// What the sample's connectome needs to know about each cell in each section of mip 0, gathered
/// in one pass over the labels: pixel counts, a point deep inside each cell (skeleton nodes sit
/// there) and a thinned-out list of places where two cells touch (synapses sit there).
///
/// Sections are scanned in parallel into their own slots and read back in z order, so the result
/// is the same on every run whatever the thread timing.
struct SampleSections: Sendable {
    let width: Int, height: Int, depth: Int, cellCount: Int
    /// Pixels of cell c in section z at `counts[z * cellCount + c]`.
    let counts: [Int32]
    /// Pixel index (x + width·y) inside cell c in section z near its centroid, −1 where absent.
    let anchors: [Int32]
    /// Border contacts of every section, in z order (see `Contact`).
    let contacts: [Contact]

    /// Two 4-neighbour pixels of different cells: `p = (x, y, z)` of `first`, `p + axis` of `second`.
    struct Contact: Sendable {
        var first: UInt16, second: UInt16
        var x: UInt16, y: UInt16, z: UInt16
        /// 0: the neighbour is at x + 1; 1: at y + 1.
        var axis: UInt8
        /// A hash of the position: synapses take a pair's contacts in this order.
        var rank: UInt32
        var pair: UInt32 { first < second ? UInt32(first) << 16 | UInt32(second) : UInt32(second) << 16 | UInt32(first) }
    }

    /// How far (px) the anchor search goes from a centroid: beyond the largest profiles' radius.
    static let maximumRing = 64

    /// One contact in `1 << contactThinning` is kept (about 1 in 16): plenty of places per touching pair.
    static let contactThinning: UInt64 = 4

    init(_ volume: SampleVolume) {
        let size = volume.size
        let (w, h, d) = (size[0], size[1], size[2])
        let cellCount = volume.segmentIDs.count
        width = w
        height = h
        depth = d
        self.cellCount = cellCount
        var counts = [Int32](repeating: 0, count: d * cellCount)
        var anchors = [Int32](repeating: -1, count: d * cellCount)
        let perSection = LockedBox<[Int: [Contact]]>([:])
        counts.withUnsafeMutableBufferPointer { countBuffer in
            anchors.withUnsafeMutableBufferPointer { anchorBuffer in
                nonisolated(unsafe) let countOut = countBuffer
                nonisolated(unsafe) let anchorOut = anchorBuffer
                volume.cells[0].withUnsafeBufferPointer { all in
                    nonisolated(unsafe) let cells = all
                    DispatchQueue.concurrentPerform(iterations: d) { z in
                        let section = UnsafeBufferPointer(rebasing: cells[(z * w * h)..<((z + 1) * w * h)])
                        let found = Self.scan(section, z: z, width: w, height: h, cellCount: cellCount,
                                              counts: UnsafeMutableBufferPointer(rebasing: countOut[(z * cellCount)..<((z + 1) * cellCount)]),
                                              anchors: UnsafeMutableBufferPointer(rebasing: anchorOut[(z * cellCount)..<((z + 1) * cellCount)]))
                        perSection.update { $0[z] = found }
                    }
                }
            }
        }
        self.counts = counts
        self.anchors = anchors
        let sections = perSection.value
        contacts = (0..<d).flatMap { sections[$0] ?? [] }
    }

    func count(cell: Int, z: Int) -> Int { Int(counts[z * cellCount + cell]) }

    /// The anchor pixel of `cell` in section `z`, or nil when the cell is absent there.
    func anchor(cell: Int, z: Int) -> (x: Int, y: Int)? {
        let pixel = Int(anchors[z * cellCount + cell])
        return pixel < 0 ? nil : (pixel % width, pixel / width)
    }

    private static func scan(_ section: UnsafeBufferPointer<UInt16>, z: Int, width w: Int, height h: Int, cellCount: Int,
                             counts: UnsafeMutableBufferPointer<Int32>, anchors: UnsafeMutableBufferPointer<Int32>) -> [Contact] {
        var sumX = [Int](repeating: 0, count: cellCount), sumY = sumX
        var firstPixel = [Int](repeating: -1, count: cellCount)
        var contacts: [Contact] = []
        let salt = UInt64(z) &* 0x9E37_79B9_7F4A_7C15
        let keep = (UInt64(1) << contactThinning) - 1
        for y in 0..<h {
            let row = y * w
            for x in 0..<w {
                let cell = Int(section[row + x])
                if counts[cell] == 0 { firstPixel[cell] = row + x }
                counts[cell] += 1
                sumX[cell] += x
                sumY[cell] += y
                let right = x + 1 < w ? section[row + x + 1] : section[row + x]
                let down = y + 1 < h ? section[row + w + x] : section[row + x]
                if right != section[row + x] || down != section[row + x] {
                    let hash = SampleHash.mix(salt ^ UInt64(row + x))
                    guard hash & keep == 0 else { continue }
                    let rank = UInt32(truncatingIfNeeded: hash >> 32)
                    if right != section[row + x] {
                        contacts.append(Contact(first: UInt16(cell), second: right, x: UInt16(x), y: UInt16(y), z: UInt16(z),
                                                axis: 0, rank: rank))
                    }
                    if down != section[row + x] {
                        contacts.append(Contact(first: UInt16(cell), second: down, x: UInt16(x), y: UInt16(y), z: UInt16(z),
                                                axis: 1, rank: rank ^ 0x5bd1_e995))
                    }
                }
            }
        }
        // The anchor: searching square rings outwards from the centroid, the first pixel whose
        // neighbours 2 px away are the same cell (well inside, off the membrane), nearest the
        // centroid within that ring; failing that, the cell's first pixel in scan order.
        for cell in 0..<cellCount where counts[cell] > 0 {
            let cx = Int((Double(sumX[cell]) / Double(counts[cell])).rounded())
            let cy = Int((Double(sumY[cell]) / Double(counts[cell])).rounded())
            func isInterior(_ x: Int, _ y: Int) -> Bool {
                guard x >= 2, x + 2 < w, y >= 2, y + 2 < h else { return false }
                let i = y * w + x, me = UInt16(cell)
                return section[i] == me && section[i - 2] == me && section[i + 2] == me && section[i - 2 * w] == me
                    && section[i + 2 * w] == me
            }
            var found = -1
            ring: for r in 0...maximumRing {
                var best = Int.max
                for dy in -r...r {
                    let step = abs(dy) == r ? 1 : 2 * r  // the whole top and bottom rows, the two ends of the others
                    for dx in stride(from: -r, through: r, by: max(step, 1)) where isInterior(cx + dx, cy + dy) {
                        let distance = dx * dx + dy * dy
                        if distance < best { best = distance; found = (cy + dy) * w + cx + dx }
                    }
                }
                if found >= 0 { break ring }
            }
            anchors[cell] = Int32(found >= 0 ? found : firstPixel[cell])
        }
        return contacts
    }
}
