import Foundation
import ImageCodecs
import Testing

/// Decoders stop at the caller's limit (gzip) and say what a header holds before decoding (PNG).
@Suite struct DecodeLimitTests {
    /// 64 members of 1 MiB of zeros: about 64 KiB that inflate to 64 MiB.
    static let bomb: Data = {
        let member = Gzip.compress(Data(count: 1 << 20), level: 9)
        return Data((0..<64).flatMap { _ in member })
    }()

    @Test func inflatingPastTheMaximumIsAnErrorThatNamesTheLimit() {
        #expect(Self.bomb.count < 1 << 17)
        let error = #expect(throws: CodecError.self) { try Gzip.decompress(Self.bomb, maximumBytes: 262_144) }
        #expect(error?.exceededLimit == 262_144)
        #expect(error?.message.contains("more than 262144 bytes") == true)
        #expect(error?.message.contains("decompression bomb") == true)
    }

    @Test func dataWithinTheMaximumInflatesWhole() throws {
        let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let compressed = Gzip.compress(data)
        #expect(try Gzip.decompress(compressed, maximumBytes: data.count) == data)
        let short = #expect(throws: CodecError.self) { try Gzip.decompress(compressed, maximumBytes: data.count - 1) }
        #expect(short?.exceededLimit == data.count - 1)
        #expect(try Gzip.decompress(Gzip.compress(Data()), maximumBytes: 0) == Data())
    }

    @Test func prefixesStopEarlyWhateverTheDataWouldInflateTo() throws {
        #expect(try Gzip.decompress(Self.bomb, prefix: 10) == Data(count: 10))
        #expect(try Gzip.decompress(Self.bomb, prefix: 0) == Data())
    }

    @Test func pngHeaderSaysSizeAndFormatWithoutDecoding() throws {
        let image = try PixelImage(width: 7, height: 3, format: .rgb8, pixels: [UInt8](repeating: 9, count: 63))
        let png = try PNGCodec.encode(image)
        let header = try PNGCodec.header(png)
        #expect(header.width == 7 && header.height == 3 && header.format == .rgb8)
        // The first 33 bytes (signature and IHDR) are enough; the pixels are not there to decode.
        let head = try PNGCodec.header(png.prefix(33))
        #expect(head.width == 7 && head.height == 3)
        #expect(throws: CodecError.self) { try PNGCodec.decode(png.prefix(33)) }
    }
}
