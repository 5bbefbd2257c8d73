/// Window maths: from stored values of any data type to 8-bit levels.
extension SectionRenderer {
    /// The window `contrast` resolves to for `section` (for display next to the image, and for tests).
    public static func window(for section: VoxelSection, contrast: Contrast) throws(ConnectomeError) -> GrayWindow {
        switch contrast {
        case .standard:
            if section.dataType == .float32 { return floatRange(section) }
            return typeRange(section.dataType)
        case .none:
            if section.dataType == .float32 { return GrayWindow(low: 0, high: 1) }
            return typeRange(section.dataType)
        case .window(let low, let high):
            guard low.isFinite, high.isFinite, low < high else {
                throw ConnectomeError.argument("the window (\(low), \(high)) is not a range of values",
                                               hint: "Give window=(low, high) with finite low < high, in stored units")
            }
            return GrayWindow(low: low, high: high)
        case .percentile(let low, let high):
            guard low >= 0, high <= 100, low < high else {
                throw ConnectomeError.argument("the percentiles (\(low), \(high)) are not a range within 0…100",
                                               hint: "Give low < high between 0 and 100, e.g. 0.5 and 99.5")
            }
            return percentileWindow(section, low: low, high: high)
        }
    }

    static func typeRange(_ type: VoxelDataType) -> GrayWindow {
        switch type {
        case .uint8: GrayWindow(low: 0, high: Double(UInt8.max))
        case .uint16: GrayWindow(low: 0, high: Double(UInt16.max))
        case .uint32: GrayWindow(low: 0, high: Double(UInt32.max))
        case .uint64: GrayWindow(low: 0, high: Double(UInt64.max))
        case .int8: GrayWindow(low: Double(Int8.min), high: Double(Int8.max))
        case .int16: GrayWindow(low: Double(Int16.min), high: Double(Int16.max))
        case .int32: GrayWindow(low: Double(Int32.min), high: Double(Int32.max))
        case .float32: GrayWindow(low: 0, high: 1)
        }
    }

    /// Finite min…max of a float section (0…1 when it holds no finite value).
    static func floatRange(_ section: VoxelSection) -> GrayWindow {
        var low = Float.infinity, high = -Float.infinity
        section.data.withUnsafeBytes { raw in
            for index in 0..<(raw.count / 4) {
                let value = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                guard value.isFinite else { continue }
                low = min(low, value)
                high = max(high, value)
            }
        }
        return low <= high ? GrayWindow(low: Double(low), high: Double(high)) : GrayWindow(low: 0, high: 1)
    }

    /// Nearest-rank percentiles over all values: exact (a histogram) for 8- and 16-bit types, from an
    /// even sample of at most 65 536 values for wider ones.
    static func percentileWindow(_ section: VoxelSection, low: Double, high: Double) -> GrayWindow {
        let type = section.dataType
        let count = section.data.count / type.itemSize
        guard count > 0 else { return typeRange(type) }
        func rank(_ percentile: Double, of n: Int) -> Int {
            Int((percentile / 100 * Double(n - 1)).rounded())
        }
        if type.itemSize <= 2 {
            let minimum = Int(typeRange(type).low)
            var histogram = [Int](repeating: 0, count: type.itemSize == 1 ? 256 : 65536)
            section.data.withUnsafeBytes { raw in
                histogram.withUnsafeMutableBufferPointer { bins in
                    for index in 0..<count {
                        bins[Int(VoxelSample.integer(raw, index, type)) - minimum] += 1
                    }
                }
            }
            func value(atRank target: Int) -> Double {
                var seen = 0
                for (bin, n) in histogram.enumerated() {
                    seen += n
                    if seen > target { return Double(bin + minimum) }
                }
                return Double(histogram.count - 1 + minimum)
            }
            return GrayWindow(low: value(atRank: rank(low, of: count)), high: value(atRank: rank(high, of: count)))
        }
        let step = max(1, count / 65536)
        var sample: [Double] = []
        sample.reserveCapacity(count / step + 1)
        section.data.withUnsafeBytes { raw in
            for index in stride(from: 0, to: count, by: step) {
                let value = VoxelSample.double(raw, index, type)
                if value.isFinite { sample.append(value) }
            }
        }
        guard !sample.isEmpty else { return typeRange(type) }
        sample.sort()
        return GrayWindow(low: sample[rank(low, of: sample.count)], high: sample[rank(high, of: sample.count)])
    }

    /// Every value through `window` (and inverted if asked): a lookup table for 8- and 16-bit types.
    static func mapToLevels(_ section: VoxelSection, window: GrayWindow, invert: Bool) -> [UInt8] {
        let type = section.dataType
        let count = section.data.count / type.itemSize
        let flip: UInt8 = invert ? 255 : 0
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            section.data.withUnsafeBytes { raw in
                if type.itemSize <= 2 {
                    let minimum = Int(typeRange(type).low)
                    let table = (0..<(type.itemSize == 1 ? 256 : 65536)).map { window.level(Double($0 + minimum)) ^ flip }
                    table.withUnsafeBufferPointer { table in
                        switch type {
                        case .uint8: for i in 0..<count { out[i] = table[Int(raw[i])] }
                        case .int8: for i in 0..<count { out[i] = table[Int(raw[i] ^ 0x80)] }
                        case .uint16:
                            for i in 0..<count {
                                out[i] = table[Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))]
                            }
                        default:
                            for i in 0..<count {
                                out[i] = table[Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) ^ 0x8000)]
                            }
                        }
                    }
                } else {
                    for i in 0..<count { out[i] = window.level(VoxelSample.double(raw, i, type)) ^ flip }
                }
            }
            initialized = count
        }
    }
}

/// Loading one stored value as a number, for the renderer's per-type loops.
enum VoxelSample {
    /// An integer value of an 8- or 16-bit type (signed ones as negative numbers).
    @inline(__always)
    static func integer(_ raw: UnsafeRawBufferPointer, _ index: Int, _ type: VoxelDataType) -> Int {
        switch type {
        case .uint8: Int(raw[index])
        case .int8: Int(Int8(bitPattern: raw[index]))
        case .uint16: Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)))
        default: Int(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * index, as: Int16.self)))
        }
    }

    @inline(__always)
    static func double(_ raw: UnsafeRawBufferPointer, _ index: Int, _ type: VoxelDataType) -> Double {
        switch type {
        case .uint8, .int8, .uint16, .int16: Double(integer(raw, index, type))
        case .uint32: Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
        case .int32: Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self)))
        case .uint64: Double(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)))
        case .float32: Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))))
        }
    }
}
