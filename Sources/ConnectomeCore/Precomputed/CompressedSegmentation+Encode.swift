/// Encoding, for writers of sample and test volumes.
extension CompressedSegmentation {
    /// Encodes one channel of uint64 labels (F order `[x, y, z]`, `chunkSize` voxels) as a single-channel chunk.
    ///
    /// Blocks with identical lookup tables share one copy, as neuroglancer's encoder does; partial
    /// edge blocks are padded with their first value.
    public static func encode(_ values: UnsafeBufferPointer<UInt64>, chunkSize: [Int], blockSize: [Int]) -> [UInt8] {
        let (cx, cy, cz) = (chunkSize[0], chunkSize[1], chunkSize[2])
        precondition(values.count == cx * cy * cz, "\(values.count) values for a \(chunkSize) chunk")
        let (bx, by, bz) = (blockSize[0], blockSize[1], blockSize[2])
        let (gx, gy, gz) = ((cx + bx - 1) / bx, (cy + by - 1) / by, (cz + bz - 1) / bz)
        let blockVoxels = bx * by * bz

        // Words after the one channel offset: headers first, then tables and packed values.
        var words: [UInt32] = [1]
        words.append(contentsOf: repeatElement(0, count: 2 * gx * gy * gz))
        var sharedTables: [[UInt64]: Int] = [:]
        var table: [UInt64] = []
        var indices = [UInt32](repeating: 0, count: blockVoxels)

        for blockZ in 0..<gz {
            for blockY in 0..<gy {
                for blockX in 0..<gx {
                    let (x0, y0, z0) = (blockX * bx, blockY * by, blockZ * bz)
                    let first = values[x0 + cx * (y0 + cy * z0)]
                    table.removeAll(keepingCapacity: true)
                    table.append(first)
                    var lastValue = first
                    var lastIndex: UInt32 = 0
                    for z in 0..<bz {
                        for y in 0..<by {
                            for x in 0..<bx {
                                let (vx, vy, vz) = (x0 + x, y0 + y, z0 + z)
                                let slot = x + bx * (y + by * z)
                                guard vx < cx, vy < cy, vz < cz else { indices[slot] = 0; continue }
                                let value = values[vx + cx * (vy + cy * vz)]
                                if value != lastValue {
                                    lastValue = value
                                    if let found = table.firstIndex(of: value) {
                                        lastIndex = UInt32(found)
                                    } else {
                                        lastIndex = UInt32(table.count)
                                        table.append(value)
                                    }
                                }
                                indices[slot] = lastIndex
                            }
                        }
                    }
                    // The table is sorted so that identical label sets share it.
                    let sorted = table.sorted()
                    if sorted != table {
                        var remap = [UInt32](repeating: 0, count: table.count)
                        for (old, value) in table.enumerated() {
                            remap[old] = UInt32(sorted.firstIndex(of: value)!)
                        }
                        for slot in 0..<blockVoxels { indices[slot] = remap[Int(indices[slot])] }
                    }
                    let bits = encodedBits(forTableSize: sorted.count)
                    let tableOffset: Int
                    if let shared = sharedTables[sorted] {
                        tableOffset = shared
                    } else {
                        tableOffset = words.count - 1
                        for value in sorted {
                            words.append(UInt32(truncatingIfNeeded: value))
                            words.append(UInt32(truncatingIfNeeded: value >> 32))
                        }
                        sharedTables[sorted] = tableOffset
                    }
                    let valuesOffset = words.count - 1
                    if bits > 0 {
                        let start = words.count
                        words.append(contentsOf: repeatElement(0, count: (bits * blockVoxels + 31) / 32))
                        for slot in 0..<blockVoxels {
                            let bit = slot * bits
                            words[start + bit >> 5] |= indices[slot] << UInt32(bit & 31)
                        }
                    }
                    let header = 1 + 2 * (blockX + gx * (blockY + gy * blockZ))
                    words[header] = UInt32(tableOffset) | UInt32(bits) << 24
                    words[header + 1] = UInt32(valuesOffset)
                }
            }
        }
        return words.withUnsafeBufferPointer { buffer in
            var bytes = [UInt8](repeating: 0, count: buffer.count * 4)
            bytes.withUnsafeMutableBytes { out in
                for (index, word) in buffer.enumerated() {
                    out.storeBytes(of: word.littleEndian, toByteOffset: index * 4, as: UInt32.self)
                }
            }
            return bytes
        }
    }

    static func encodedBits(forTableSize count: Int) -> Int {
        switch count {
        case ...1: 0
        case 2: 1
        case 3...4: 2
        case 5...16: 4
        case 17...256: 8
        case 257...65536: 16
        default: 32
        }
    }
}
