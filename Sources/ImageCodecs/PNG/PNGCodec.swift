internal import CCKSpng
import Foundation

/// PNG encoding (for display) and decoding (for `png`-encoded precomputed chunks) with libspng.
public enum PNGCodec {
    /// Largest width or height accepted when decoding, to refuse absurd headers before allocating.
    static let maximumDimension: UInt32 = 1 << 20
    /// Largest decoded image accepted, in bytes.
    static let maximumDecodedBytes = 1 << 31

    /// Encodes 8-bit grey, 16-bit grey (little-endian samples), RGB or RGBA pixels.
    public static func encode(_ image: PixelImage, options: PNGOptions = .fast) throws(CodecError) -> Data {
        guard image.width > 0, image.height > 0 else {
            throw CodecError("cannot encode an empty \(image.width) × \(image.height) image as PNG")
        }
        guard image.pixels.count == image.height * image.rowBytes else {
            throw CodecError("a \(image.width) × \(image.height) \(image.format) image needs \(image.height * image.rowBytes) bytes, got \(image.pixels.count)")
        }
        if StripedPNG.applies(to: image, options: options) { return try StripedPNG.encode(image, options: options) }
        return try encodeWithSpng(image, options: options)
    }

    /// libspng's encoder, on the calling thread: every image `StripedPNG` does not take.
    static func encodeWithSpng(_ image: PixelImage, options: PNGOptions) throws(CodecError) -> Data {
        guard let context = spng_ctx_new(Int32(SPNG_CTX_ENCODER.rawValue)) else {
            throw CodecError("libspng could not create an encoder context (out of memory)")
        }
        defer { spng_ctx_free(context) }

        let (colorType, bitDepth): (spng_color_type, UInt8) = switch image.format {
        case .gray8: (SPNG_COLOR_TYPE_GRAYSCALE, 8)
        case .gray16: (SPNG_COLOR_TYPE_GRAYSCALE, 16)
        case .rgb8: (SPNG_COLOR_TYPE_TRUECOLOR, 8)
        case .rgba8: (SPNG_COLOR_TYPE_TRUECOLOR_ALPHA, 8)
        }
        var header = spng_ihdr(width: UInt32(image.width), height: UInt32(image.height), bit_depth: bitDepth,
                               color_type: UInt8(colorType.rawValue), compression_method: 0, filter_method: 0,
                               interlace_method: 0)
        try check(spng_set_option(context, SPNG_ENCODE_TO_BUFFER, 1), "setting buffer output")
        try check(spng_set_ihdr(context, &header), "setting the PNG header")
        try check(spng_set_option(context, SPNG_IMG_COMPRESSION_LEVEL, Int32(max(0, min(9, options.compressionLevel)))),
                  "setting the compression level")
        try check(spng_set_option(context, SPNG_IMG_COMPRESSION_STRATEGY, options.strategy.rawValue),
                  "setting the compression strategy")
        try check(spng_set_option(context, SPNG_FILTER_CHOICE, options.filters.rawValue), "setting the filters")

        // SPNG_FMT_PNG takes 16-bit samples in host order (little-endian here) and writes big-endian.
        let status = image.pixels.withUnsafeBytes { raw in
            spng_encode_image(context, raw.baseAddress, raw.count, Int32(SPNG_FMT_PNG.rawValue),
                              Int32(SPNG_ENCODE_FINALIZE.rawValue))
        }
        try check(status, "encoding a \(image.width) × \(image.height) \(image.format) image")

        var length = 0
        var error: Int32 = 0
        guard let buffer = spng_get_png_buffer(context, &length, &error) else {
            throw CodecError("libspng produced no PNG buffer: \(message(error))")
        }
        // libspng grows its buffer by doubling, so up to half of it follows the PNG. A value keeps its
        // PNG for as long as it is bound: give the rest back (glibc shrinks in place, without a copy).
        let fitted = length > 0 ? realloc(buffer, length) ?? buffer : buffer
        return Data(bytesNoCopy: fitted, count: length, deallocator: .free)
    }

    /// Width, height and the `PixelFormat` that `decode` returns, from the header alone (IHDR and
    /// tRNS), so a caller can check them against what it expects before anything is decoded.
    public static func header(_ data: Data) throws(CodecError) -> (width: Int, height: Int, format: PixelFormat) {
        try withDecoder(data) { (_, opened: OpenedPNG) throws(CodecError) in (opened.width, opened.height, opened.format) }
    }

    /// Decodes any PNG to the nearest `PixelFormat`: grey ≤ 8 bit → gray8, 16-bit grey → gray16,
    /// RGB → rgb8, anything with alpha or transparency (and palettes with tRNS) → rgba8.
    public static func decode(_ data: Data) throws(CodecError) -> PixelImage {
        try withDecoder(data) { (context, opened: OpenedPNG) throws(CodecError) -> PixelImage in
            let (width, height, format, spngFormat) = (opened.width, opened.height, opened.format, opened.spngFormat)
            var size = 0
            try check(spng_decoded_image_size(context, Int32(spngFormat.rawValue), &size), "sizing the decoded image")
            guard size == width * height * format.bytesPerPixel, size <= maximumDecodedBytes else {
                throw CodecError("decoded PNG of \(width) × \(height) would take \(size) bytes, more than the limit of \(maximumDecodedBytes)")
            }
            var status: Int32 = 0
            let pixels = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                let flags = format == .rgba8 ? Int32(SPNG_DECODE_TRNS.rawValue) : 0
                status = spng_decode_image(context, buffer.baseAddress, size, Int32(spngFormat.rawValue), flags)
                count = status == 0 ? size : 0
            }
            try check(status, "decoding a \(width) × \(height) PNG of \(data.count) bytes")
            return try PixelImage(width: width, height: height, format: format, pixels: pixels)
        }
    }

    /// A PNG whose header has been read: its size and the formats it decodes to.
    private struct OpenedPNG {
        var width: Int
        var height: Int
        var format: PixelFormat
        var spngFormat: spng_format
    }

    /// Opens a decoder on `data`, reads the header (within `maximumDimension`) and hands both to `body`.
    private static func withDecoder<T>(_ data: Data,
                                       _ body: (OpaquePointer, OpenedPNG) throws(CodecError) -> T) throws(CodecError) -> T {
        guard let context = spng_ctx_new(0) else {
            throw CodecError("libspng could not create a decoder context (out of memory)")
        }
        defer { spng_ctx_free(context) }
        try check(spng_set_image_limits(context, maximumDimension, maximumDimension), "setting image limits")

        return try data.withCodecBytes { (raw: UnsafeBufferPointer<UInt8>) throws(CodecError) -> T in
            try check(spng_set_png_buffer(context, raw.baseAddress, raw.count), "reading \(raw.count) bytes of PNG")
            var header = spng_ihdr()
            try check(spng_get_ihdr(context, &header), "reading the PNG header of \(raw.count) bytes")

            var hasTransparency = false
            var trns = spng_trns()
            if spng_get_trns(context, &trns) == 0 { hasTransparency = true }

            let format: PixelFormat
            let spngFormat: spng_format
            switch UInt32(header.color_type) {
            case SPNG_COLOR_TYPE_GRAYSCALE.rawValue where header.bit_depth == 16:
                (format, spngFormat) = (.gray16, SPNG_FMT_PNG)
            case SPNG_COLOR_TYPE_GRAYSCALE.rawValue:
                (format, spngFormat) = (.gray8, SPNG_FMT_G8)
            case SPNG_COLOR_TYPE_TRUECOLOR.rawValue where !hasTransparency,
                 SPNG_COLOR_TYPE_INDEXED.rawValue where !hasTransparency:
                (format, spngFormat) = (.rgb8, SPNG_FMT_RGB8)
            default:
                (format, spngFormat) = (.rgba8, SPNG_FMT_RGBA8)
            }
            return try body(context, OpenedPNG(width: Int(header.width), height: Int(header.height),
                                               format: format, spngFormat: spngFormat))
        }
    }

    private static func check(_ status: Int32, _ doing: @autoclosure () -> String) throws(CodecError) {
        guard status != 0 else { return }
        throw CodecError("PNG error while \(doing()): \(message(status))")
    }

    private static func message(_ status: Int32) -> String {
        String(cString: spng_strerror(status))
    }
}
