import Foundation
import Testing
import ImageCodecs

@Suite struct JPEGCodecTests {
    /// A chunk laid out as precomputed does it: 64 wide, 64 sections of 64 rows.
    static let chunk = TestImages.em(width: 64, height: 64 * 64)

    @Test func dimensionsFromHeader() throws {
        let jpeg = try JPEGCodec.encode(Self.chunk, quality: 85)
        let dims = try JPEGCodec.dimensions(jpeg)
        #expect(dims.width == 64 && dims.height == 4096 && dims.channels == 1)
    }

    @Test func grayRoundTripIsClose() throws {
        let image = TestImages.em(width: 48, height: 40)
        let decoded = try JPEGCodec.decode(try JPEGCodec.encode(image, quality: 95))
        #expect(decoded.format == .gray8 && decoded.width == 48 && decoded.height == 40)
        let worst = zip(image.pixels, decoded.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 24)
    }

    @Test func rgbRoundTripIsClose() throws {
        var image = PixelImage(width: 16, height: 16, format: .rgb8)
        for y in 0..<16 {
            for x in 0..<16 {
                image.pixels[(y * 16 + x) * 3 + 0] = UInt8(x * 16)
                image.pixels[(y * 16 + x) * 3 + 1] = UInt8(y * 16)
                image.pixels[(y * 16 + x) * 3 + 2] = 128
            }
        }
        let decoded = try JPEGCodec.decode(try JPEGCodec.encode(image, quality: 95))
        #expect(decoded.format == .rgb8)
        let worst = zip(image.pixels, decoded.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 16)
        let gray = try JPEGCodec.decode(try JPEGCodec.encode(image, quality: 95), grayscale: true)
        #expect(gray.format == .gray8 && gray.pixels.count == 256)
    }

    @Test(arguments: [0, 1, 37, 63])
    func sectionDecodeEqualsRowsOfFullDecode(section: Int) throws {
        let jpeg = try JPEGCodec.encode(Self.chunk, quality: 85)
        let full = try JPEGCodec.decode(jpeg)
        let rows = (section * 64)..<(section * 64 + 64)
        let part = try JPEGCodec.decode(jpeg, rows: rows)
        #expect(part.width == 64 && part.height == 64)
        #expect(part.pixels == Array(full.pixels[(rows.lowerBound * 64)..<(rows.upperBound * 64)]))
    }

    @Test func partialDecodeOfColourEqualsFullDecode() throws {
        let image = TestImages.pattern(width: 32, height: 96, format: .rgb8)
        let jpeg = try JPEGCodec.encode(image, quality: 80)
        let full = try JPEGCodec.decode(jpeg)
        for rows in [0..<5, 17..<40, 50..<96] {
            let part = try JPEGCodec.decode(jpeg, rows: rows)
            #expect(part.pixels == Array(full.pixels[(rows.lowerBound * 96)..<(rows.upperBound * 96)]), "rows \(rows)")
        }
    }

    @Test func decodesPillowJPEGsLikePillow() throws {
        let gray = try JPEGCodec.decode(Data(IndependentVectors.jpegGray))
        #expect(gray.width == 16 && gray.height == 32 && gray.format == .gray8)
        let grayDiff = zip(gray.pixels, IndependentVectors.jpegGrayDecoded).map { abs(Int($0) - Int($1)) }.max()
        #expect(grayDiff ?? 99 <= 1)
        let colour = try JPEGCodec.decode(Data(IndependentVectors.jpegRGB))
        #expect(colour.width == 8 && colour.height == 8 && colour.format == .rgb8)
        let colourDiff = zip(colour.pixels, IndependentVectors.jpegRGBDecoded).map { abs(Int($0) - Int($1)) }.max()
        #expect(colourDiff ?? 99 <= 1)
    }

    @Test func rowsOutsideTheImageAreRejected() throws {
        let jpeg = try JPEGCodec.encode(TestImages.em(width: 16, height: 16), quality: 80)
        #expect(throws: CodecError.self) { try JPEGCodec.decode(jpeg, rows: 8..<17) }
    }

    @Test func corruptInputsThrowWithLibjpegMessage() throws {
        let jpeg = try JPEGCodec.encode(TestImages.em(width: 64, height: 256), quality: 85)
        #expect(throws: CodecError.self) { try JPEGCodec.decode(Data()) }
        #expect(throws: CodecError.self) { try JPEGCodec.decode(Data(repeating: 0x42, count: 300)) }
        #expect(throws: CodecError.self) { try JPEGCodec.decode(jpeg.prefix(100)) }
        do {
            _ = try JPEGCodec.dimensions(Data("GIF89a........".utf8))
            Issue.record("a GIF header should not parse as JPEG")
        } catch {
            #expect(error.message.contains("JPEG"))
            #expect(error.message.lowercased().contains("not a jpeg"))
        }
    }

    @Test func truncatedBodyDecodesOrThrowsButNeverCrashes() throws {
        let jpeg = try JPEGCodec.encode(TestImages.em(width: 64, height: 256), quality: 85)
        for cut in stride(from: 200, to: jpeg.count, by: 997) {
            _ = try? JPEGCodec.decode(jpeg.prefix(cut))
        }
    }

    @Test func encodeRejectsRGBA() {
        #expect(throws: CodecError.self) {
            try JPEGCodec.encode(PixelImage(width: 2, height: 2, format: .rgba8), quality: 90)
        }
    }
}
