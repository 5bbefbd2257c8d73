import Foundation
import Testing
import ImageCodecs

@Suite struct PNGCodecTests {
    @Test(arguments: PixelFormat.allCases)
    func roundTripEveryFormat(format: PixelFormat) throws {
        let image = TestImages.pattern(width: 33, height: 17, format: format)
        for options in [PNGOptions.fast, .compact] {
            let png = try PNGCodec.encode(image, options: options)
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
            #expect(try PNGCodec.decode(png) == image)
        }
    }

    @Test func roundTripEMSection() throws {
        let image = TestImages.em(width: 256, height: 192)
        #expect(try PNGCodec.decode(PNGCodec.encode(image)) == image)
    }

    @Test func compactIsSmallerOnFlatRegions() throws {
        var image = PixelImage(width: 128, height: 128, format: .rgba8)
        for index in stride(from: 0, to: image.pixels.count, by: 4) where (index / 4) % 128 > 64 {
            image.pixels[index] = 200
            image.pixels[index + 3] = 255
        }
        let fast = try PNGCodec.encode(image, options: .fast)
        let compact = try PNGCodec.encode(image, options: .compact)
        #expect(compact.count < fast.count)
    }

    /// `.flat` (segmentation alone): lossless, and far smaller than `.fast` on flat colour regions.
    @Test func flatRoundTripsAndCompressesFlatColours() throws {
        var image = PixelImage(width: 256, height: 192, format: .rgb8)
        for pixel in 0..<(256 * 192) {
            let region = (pixel % 256) / 37 + 7 * ((pixel / 256) / 29)  // rectangles of one colour each
            image.pixels[3 * pixel] = UInt8(truncatingIfNeeded: region &* 71)
            image.pixels[3 * pixel + 1] = UInt8(truncatingIfNeeded: region &* 151)
            image.pixels[3 * pixel + 2] = UInt8(truncatingIfNeeded: region &* 23)
        }
        let flat = try PNGCodec.encode(image, options: .flat)
        #expect(try PNGCodec.decode(flat) == image)
        #expect(flat.count * 4 < (try PNGCodec.encode(image, options: .fast)).count)
    }

    @Test func gray16IsLittleEndianInPixels() throws {
        let decoded = try PNGCodec.decode(Data(IndependentVectors.pngGray16))
        #expect(decoded.format == .gray16)
        #expect(decoded.width == 3 && decoded.height == 2)
        let samples = stride(from: 0, to: decoded.pixels.count, by: 2).map {
            UInt16(decoded.pixels[$0]) | UInt16(decoded.pixels[$0 + 1]) << 8
        }
        #expect(samples == [0, 1, 256, 1000, 40000, 65535])
    }

    @Test func decodesPillowGray8() throws {
        let decoded = try PNGCodec.decode(Data(IndependentVectors.pngGray8))
        #expect(decoded == (try PixelImage(width: 4, height: 3, format: .gray8,
                                           pixels: [0, 10, 20, 30, 40, 50, 60, 70, 200, 220, 240, 255])))
    }

    @Test func decodesPillowRGBAndRGBA() throws {
        let rgb = try PNGCodec.decode(Data(IndependentVectors.pngRGB))
        #expect(rgb == (try PixelImage(width: 2, height: 2, format: .rgb8,
                                       pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3])))
        let rgba = try PNGCodec.decode(Data(IndependentVectors.pngRGBA))
        #expect(rgba == (try PixelImage(width: 2, height: 1, format: .rgba8, pixels: [10, 20, 30, 40, 50, 60, 70, 255])))
    }

    @Test func decodesPillowPaletteAsRGB() throws {
        let decoded = try PNGCodec.decode(Data(IndependentVectors.pngPalette))
        #expect(decoded == (try PixelImage(width: 3, height: 1, format: .rgb8, pixels: [0, 0, 255, 0, 255, 0, 255, 0, 0])))
    }

    @Test func corruptInputsThrow() throws {
        let png = try PNGCodec.encode(TestImages.em(width: 64, height: 64))
        #expect(throws: CodecError.self) { try PNGCodec.decode(Data()) }
        #expect(throws: CodecError.self) { try PNGCodec.decode(Data("not a png at all".utf8)) }
        #expect(throws: CodecError.self) { try PNGCodec.decode(png.prefix(png.count / 2)) }
        var flipped = png
        flipped[png.count / 2] ^= 0xff
        #expect(throws: CodecError.self) { try PNGCodec.decode(flipped) }
    }

    @Test func errorMessageSaysWhatFailed() {
        do {
            _ = try PNGCodec.decode(Data([0x89, 0x50, 0x4e, 0x47]))
            Issue.record("decoding 4 bytes should fail")
        } catch {
            #expect(error.message.contains("PNG"))
            #expect(error.message.contains("4 bytes"))
        }
    }

    @Test func emptyImageIsRejected() {
        #expect(throws: CodecError.self) { try PNGCodec.encode(PixelImage(width: 0, height: 5, format: .gray8)) }
    }
}
