/// A decoded 2-D image: the one currency between chunk decoders, slicers and the PNG encoder.
///
/// Pixels are row-major, rows top to bottom, channels interleaved; `gray16` samples are stored
/// little-endian so that a raw uint16 chunk plane can be copied in without byte swapping.
public struct PixelImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var format: PixelFormat
    public var pixels: [UInt8]

    /// Wraps existing pixels, checking that their count matches the size and format.
    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) throws(CodecError) {
        guard width >= 0, height >= 0 else {
            throw CodecError("image size \(width) × \(height) is negative")
        }
        let (count, overflow) = width.multipliedReportingOverflow(by: height * format.bytesPerPixel)
        guard !overflow, pixels.count == count else {
            throw CodecError("a \(width) × \(height) \(format) image needs \(width) · \(height) · \(format.bytesPerPixel) = \(overflow ? "too many" : String(count)) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// A zero-filled (black, transparent) image.
    public init(width: Int, height: Int, format: PixelFormat) {
        precondition(width >= 0 && height >= 0, "image size \(width) × \(height) is negative")
        self.width = width
        self.height = height
        self.format = format
        self.pixels = [UInt8](repeating: 0, count: width * height * format.bytesPerPixel)
    }

    /// Bytes per row (no padding between rows).
    public var rowBytes: Int { width * format.bytesPerPixel }
}

/// The pixel layouts the kernel produces and consumes.
public enum PixelFormat: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case gray8, gray16, rgb8, rgba8

    public var bytesPerPixel: Int {
        switch self {
        case .gray8: 1
        case .gray16: 2
        case .rgb8: 3
        case .rgba8: 4
        }
    }

    public var channels: Int {
        switch self {
        case .gray8, .gray16: 1
        case .rgb8: 3
        case .rgba8: 4
        }
    }

    public var description: String { rawValue }
}
