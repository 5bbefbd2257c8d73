internal import CCKZlib
import Dispatch
import Foundation

/// PNG for EM sections on all cores: the rows in stripes, each filtered and deflated on its own core.
///
/// `PNGOptions.fast` codes the filtered rows with Huffman codes only (no LZ77 matches: EM texture
/// barely has any), so no stripe needs the bytes of the one before it. Each stripe is raw deflate ending
/// on a byte boundary (`Z_SYNC_FLUSH`; the last one `Z_FINISH`), and the stripes laid end to end are one
/// valid zlib stream, whose Adler-32 is combined from the stripes' (`adler32_combine`). This is pigz's
/// construction, less its dictionaries, which Huffman-only coding does not use. libspng encodes a
/// 1024² section in 8.8 ms on one core; this does the same on two.
///
/// The container is written here (signature, IHDR, one IDAT, IEND; CRC-32 from zlib) and decodes to the
/// same pixels as libspng's output, which `StripedPNGTests` checks with libspng's decoder.
enum StripedPNG {
    /// Below this many pixel bytes one core is faster than waking another.
    static let minimumBytes = 256 << 10
    /// The most bytes one IDAT chunk carries here (the format's limit is 2^31 - 1).
    static let maximumChunk = 1 << 30

    /// Whether `options` code rows with SUB and Huffman-only codes, which stripes reproduce.
    static func applies(to image: PixelImage, options: PNGOptions) -> Bool {
        options.strategy == .huffmanOnly && options.filters == .sub && image.format != .gray16
            && image.pixels.count >= minimumBytes && image.height >= 2
            && image.pixels.count < 1 << 31  // zlib counts a stripe's bytes in 32 bits
            && ProcessInfo.processInfo.activeProcessorCount > 1
    }

    static func encode(_ image: PixelImage, options: PNGOptions, maximumChunk: Int = maximumChunk) throws(CodecError) -> Data {
        let stripes = min(ProcessInfo.processInfo.activeProcessorCount, image.height, 8)
        let rowBytes = image.rowBytes
        let bounds = (0...stripes).map { image.height * $0 / stripes }
        var parts = [Part?](repeating: nil, count: stripes)
        let level = Int32(max(0, min(9, options.compressionLevel)))
        image.pixels.withUnsafeBufferPointer { all in
            parts.withUnsafeMutableBufferPointer { slots in
                // Each iteration reads its own rows and writes its own slot.
                nonisolated(unsafe) let pixels = all
                nonisolated(unsafe) let slots = slots
                DispatchQueue.concurrentPerform(iterations: stripes) { index in
                    let rows = bounds[index]..<bounds[index + 1]
                    slots[index] = Part(pixels: UnsafeBufferPointer(rebasing: pixels[(rows.lowerBound * rowBytes)..<(rows.upperBound * rowBytes)]),
                                        rowBytes: rowBytes, bytesPerPixel: image.format.bytesPerPixel,
                                        level: level, last: index == stripes - 1)
                }
            }
        }
        // The zlib stream: header (deflate, 32 KiB window, no dictionary, fastest), the stripes, Adler-32.
        var idat = Data([0x78, 0x01])
        idat.reserveCapacity(parts.reduce(6) { $0 + ($1?.compressed?.count ?? 0) })
        var adler = adler32(0, nil, 0)
        for part in parts {
            guard let part, let compressed = part.compressed else {
                throw CodecError("zlib could not deflate a stripe of a \(image.width) × \(image.height) image (out of memory)")
            }
            idat.append(compressed)
            adler = adler32_combine(adler, part.adler, off_t(part.filteredCount))
        }
        appendBigEndian(UInt32(adler), to: &idat)

        let (colorType, bitDepth): (UInt8, UInt8) = switch image.format {
        case .gray8: (0, 8)
        case .gray16: (0, 16)
        case .rgb8: (2, 8)
        case .rgba8: (6, 8)
        }
        var header = Data()
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        header.append(contentsOf: [bitDepth, colorType, 0, 0, 0])

        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.reserveCapacity(idat.count + 64)
        appendChunk("IHDR", header, to: &png)
        // A chunk holds at most 2^31 - 1 bytes; decoders join consecutive IDATs.
        var start = idat.startIndex
        while start < idat.endIndex {
            let end = min(start + maximumChunk, idat.endIndex)
            appendChunk("IDAT", idat[start..<end], to: &png)
            start = end
        }
        appendChunk("IEND", Data(), to: &png)
        return png
    }

    /// One stripe: its rows SUB-filtered, then deflated.
    private struct Part {
        var compressed: Data?
        var adler: uLong
        var filteredCount: Int

        init(pixels: UnsafeBufferPointer<UInt8>, rowBytes: Int, bytesPerPixel: Int, level: Int32, last: Bool) {
            let rows = pixels.count / rowBytes
            filteredCount = rows * (rowBytes + 1)
            let filtered = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: filteredCount)
            defer { filtered.deallocate() }
            for row in 0..<rows {
                let input = pixels.baseAddress! + row * rowBytes
                let output = filtered.baseAddress! + row * (rowBytes + 1)
                output[0] = 1  // SUB: each byte minus the byte one pixel to its left
                for index in 0..<min(bytesPerPixel, rowBytes) { output[1 + index] = input[index] }
                var index = bytesPerPixel
                while index < rowBytes {
                    output[1 + index] = input[index] &- input[index - bytesPerPixel]
                    index += 1
                }
            }
            adler = adler32(adler32(0, nil, 0), filtered.baseAddress, uInt(filteredCount))
            compressed = Self.deflateRaw(UnsafeBufferPointer(filtered), level: level, last: last)
        }

        private static func deflateRaw(_ input: UnsafeBufferPointer<UInt8>, level: Int32, last: Bool) -> Data? {
            var stream = z_stream()
            guard deflateInit2_(&stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_HUFFMAN_ONLY, ZLIB_VERSION,
                                Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
            defer { deflateEnd(&stream) }
            // deflateBound, plus the empty stored block a sync flush ends with.
            let capacity = Int(deflateBound(&stream, uLong(input.count))) + 16
            let output = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            stream.next_out = output
            stream.avail_out = uInt(capacity)
            let result = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
            guard result == (last ? Z_STREAM_END : Z_OK), stream.avail_in == 0 else {
                output.deallocate()
                return nil
            }
            return Data(bytesNoCopy: output, count: capacity - Int(stream.avail_out),
                        deallocator: .custom { pointer, _ in pointer.deallocate() })
        }
    }

    private static func appendChunk(_ type: String, _ data: Data, to png: inout Data) {
        appendBigEndian(UInt32(data.count), to: &png)
        let typeBytes = Array(type.utf8)
        png.append(contentsOf: typeBytes)
        png.append(data)
        var crc = typeBytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        crc = data.withUnsafeBytes { raw in crc32(crc, raw.bindMemory(to: UInt8.self).baseAddress, uInt(raw.count)) }
        appendBigEndian(UInt32(crc), to: &png)
    }

    private static func appendBigEndian(_ value: UInt32, to data: inout Data) {
        data.append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }
}
