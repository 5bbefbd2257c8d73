/// Colouring segment IDs, alone or blended over grey.
extension SectionRenderer {
    /// RGB pixels for `section`'s IDs; uncoloured pixels take `gray` (or black), coloured ones are
    /// blended over it at `style.alpha` (opaque without `gray`, and for outlines).
    static func colorize(_ section: VoxelSection, under gray: [UInt8]?, style: SegmentationStyle) -> [UInt8] {
        switch section.dataType {
        case .uint8: colorize(UInt8.self, section, gray, style)
        case .int8: colorize(Int8.self, section, gray, style)
        case .uint16: colorize(UInt16.self, section, gray, style)
        case .int16: colorize(Int16.self, section, gray, style)
        case .uint32, .float32: colorize(UInt32.self, section, gray, style)
        case .int32: colorize(Int32.self, section, gray, style)
        case .uint64: colorize(UInt64.self, section, gray, style)
        }
    }

    private static func colorize<Word: SegmentWord>(_: Word.Type, _ section: VoxelSection, _ gray: [UInt8]?,
                                                    _ style: SegmentationStyle) -> [UInt8] {
        let count = section.width * section.height
        let alpha = gray == nil ? 255 : UInt32((style.alpha * 255).rounded())
        var table = SegmentColorTable(style: style)
        return [UInt8](unsafeUninitializedCapacity: count * 3) { out, initialized in
            section.data.withUnsafeBytes { raw in
                withGray(gray) { gray in
                    if style.outline {
                        outline(Word.self, raw, section.width, section.height, gray, &table, out)
                    } else {
                        fill(Word.self, raw, count, gray, alpha, &table, out)
                    }
                }
            }
            initialized = count * 3
        }
    }

    private static func withGray(_ gray: [UInt8]?, _ body: (UnsafePointer<UInt8>?) -> Void) {
        if let gray { gray.withUnsafeBufferPointer { body($0.baseAddress) } } else { body(nil) }
    }

    /// Every pixel of a coloured segment blended: out = (g · (255 − a) + c · a + 127) / 255.
    private static func fill<Word: SegmentWord>(_: Word.Type, _ raw: UnsafeRawBufferPointer, _ count: Int,
                                                _ gray: UnsafePointer<UInt8>?, _ alpha: UInt32,
                                                _ table: inout SegmentColorTable, _ out: UnsafeMutableBufferPointer<UInt8>) {
        let keep = 255 - alpha
        var lastID: UInt64 = 0
        var lastColor: UInt32 = 0
        // The colour's share of the blend, per channel, redone only when the ID changes.
        var red: UInt32 = 0, green: UInt32 = 0, blue: UInt32 = 0
        let target = out.baseAddress!
        for index in 0..<count {
            let id = Word.id(raw, index)
            if id != lastID {
                lastID = id
                lastColor = table.color(id)
                red = (lastColor >> 16 & 0xFF) * alpha + 127
                green = (lastColor >> 8 & 0xFF) * alpha + 127
                blue = (lastColor & 0xFF) * alpha + 127
            }
            let pixel = target + 3 * index
            let under = UInt32(gray?[index] ?? 0)
            if lastColor == 0 {
                let level = UInt8(truncatingIfNeeded: under)
                pixel[0] = level; pixel[1] = level; pixel[2] = level
            } else {
                let base = under * keep
                pixel[0] = UInt8(truncatingIfNeeded: (base + red) / 255)
                pixel[1] = UInt8(truncatingIfNeeded: (base + green) / 255)
                pixel[2] = UInt8(truncatingIfNeeded: (base + blue) / 255)
            }
        }
    }

    /// Only pixels whose ID differs from a 4-neighbour inside the image are coloured, opaquely.
    private static func outline<Word: SegmentWord>(_: Word.Type, _ raw: UnsafeRawBufferPointer, _ width: Int, _ height: Int,
                                                   _ gray: UnsafePointer<UInt8>?, _ table: inout SegmentColorTable,
                                                   _ out: UnsafeMutableBufferPointer<UInt8>) {
        let target = out.baseAddress!
        for row in 0..<height {
            for column in 0..<width {
                let index = row * width + column
                let id = Word.id(raw, index)
                let edge = (column > 0 && Word.id(raw, index - 1) != id)
                    || (column + 1 < width && Word.id(raw, index + 1) != id)
                    || (row > 0 && Word.id(raw, index - width) != id)
                    || (row + 1 < height && Word.id(raw, index + width) != id)
                let color = edge ? table.color(id) : 0
                let pixel = target + 3 * index
                if color == 0 {
                    let level = gray?[index] ?? 0
                    pixel[0] = level; pixel[1] = level; pixel[2] = level
                } else {
                    pixel[0] = UInt8(truncatingIfNeeded: color >> 16)
                    pixel[1] = UInt8(truncatingIfNeeded: color >> 8)
                    pixel[2] = UInt8(truncatingIfNeeded: color)
                }
            }
        }
    }
}

/// A stored integer type read as a segment ID (signed types sign-extended, as `VoxelSection.value` does).
protocol SegmentWord {
    static func id(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt64
}

extension UInt8: SegmentWord {
    @inline(__always) static func id(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt64 { UInt64(raw[index]) }
}

extension Int8: SegmentWord {
    @inline(__always) static func id(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        UInt64(bitPattern: Int64(Int8(bitPattern: raw[index])))
    }
}

extension UInt16: SegmentWord {
    @inline(__always) static func id(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)))
    }
}

extension Int16: SegmentWord {
    @inline(__always) static func id(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        UInt64(bitPattern: Int64(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * index, as: Int16.self))))
    }
}

extension UInt32: SegmentWord {
    @inline(__always) static func id(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
    }
}

extension Int32: SegmentWord {
    @inline(__always) static func id(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self))))
    }
}

extension UInt64: SegmentWord {
    @inline(__always) static func id(_ raw: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))
    }
}
