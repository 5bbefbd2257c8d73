internal import CCKJpeg
import Foundation

/// JPEG decoding of precomputed chunks (and encoding, for tests and exports) with the classic
/// libjpeg-turbo API.
///
/// The classic API is used because it alone can skip rows: a 64³ jpeg chunk is one 64 × 4096
/// image and one XY section is 64 of its rows, so `decode(_:rows:)` skips the others without
/// their inverse DCT (0.50 ms instead of 1.22 ms per chunk, codecs.md).
public enum JPEGCodec {
    private static let errorCapacity = 256
    /// Largest decoded image accepted, in bytes, to refuse absurd headers before allocating.
    static let maximumDecodedBytes = 1 << 31

    /// Width, height and number of colour components, from the header alone.
    public static func dimensions(_ data: Data) throws(CodecError) -> (width: Int, height: Int, channels: Int) {
        var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
        try callShim("reading the JPEG header of \(data.count) bytes") { error, capacity in
            data.withUnsafeBytes { raw in
                cck_jpeg_dimensions(raw.bindMemory(to: UInt8.self).baseAddress, raw.count,
                                    &width, &height, &channels, error, capacity)
            }
        }
        return (Int(width), Int(height), Int(channels))
    }

    /// Decodes the rows `rows` (all rows when nil) to gray8 (one-component JPEGs, or any JPEG when
    /// `grayscale` is set) or rgb8 (colour JPEGs). The result is `rows.count` pixels tall.
    public static func decode(_ data: Data, rows: Range<Int>? = nil, grayscale: Bool = false) throws(CodecError) -> PixelImage {
        let (width, height, channels) = try dimensions(data)
        let wanted = rows ?? 0..<height
        guard wanted.lowerBound >= 0, wanted.upperBound <= height else {
            throw CodecError("rows \(wanted.lowerBound)..<\(wanted.upperBound) are outside the \(width) × \(height) JPEG (rows 0..<\(height))")
        }
        let format: PixelFormat = (grayscale || channels == 1) ? .gray8 : .rgb8
        let size = wanted.count * width * format.bytesPerPixel
        guard size <= maximumDecodedBytes else {
            throw CodecError("decoding rows \(wanted.lowerBound)..<\(wanted.upperBound) of a \(width) × \(height) JPEG would take \(size) bytes, more than the limit of \(maximumDecodedBytes)")
        }
        var failure: CodecError?
        let pixels = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            do throws(CodecError) {
                try callShim("decoding rows \(wanted.lowerBound)..<\(wanted.upperBound) of a \(width) × \(height) JPEG of \(data.count) bytes") { error, capacity in
                    data.withUnsafeBytes { raw in
                        cck_jpeg_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, Int32(format.channels),
                                        Int32(width), Int32(height), Int32(wanted.lowerBound), Int32(wanted.upperBound),
                                        buffer.baseAddress, size, error, capacity)
                    }
                }
                count = size
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        return try PixelImage(width: width, height: wanted.count, format: format, pixels: pixels)
    }

    /// Encodes a gray8 or rgb8 image at `quality` (1…100).
    public static func encode(_ image: PixelImage, quality: Int) throws(CodecError) -> Data {
        guard image.format == .gray8 || image.format == .rgb8 else {
            throw CodecError("JPEG encoding takes gray8 or rgb8 images, not \(image.format)")
        }
        guard image.width > 0, image.height > 0, image.width <= 65_500, image.height <= 65_500 else {
            throw CodecError("JPEG images are 1 … 65500 pixels on a side, not \(image.width) × \(image.height)")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        try callShim("encoding a \(image.width) × \(image.height) \(image.format) image as JPEG") { error, capacity in
            image.pixels.withUnsafeBufferPointer { pixels in
                cck_jpeg_encode(pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.format.channels),
                                Int32(max(1, min(100, quality))), &output, &length, error, capacity)
            }
        }
        guard let output else { throw CodecError("libjpeg produced no output") }
        return Data(bytesNoCopy: output, count: length, deallocator: .custom { pointer, _ in cck_jpeg_free(pointer) })
    }

    private static func callShim(_ doing: @autoclosure () -> String,
                                 _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws(CodecError) {
        var message = [CChar](repeating: 0, count: errorCapacity)
        let status = message.withUnsafeMutableBufferPointer { body($0.baseAddress!, errorCapacity) }
        guard status != 0 else { return }
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        throw CodecError("JPEG error while \(doing()): \(text)")
    }
}
