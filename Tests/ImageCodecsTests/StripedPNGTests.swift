import Foundation
@testable import ImageCodecs
import Testing

/// The striped encoder against libspng's, through libspng's decoder: same pixels, about the same size.
@Suite struct StripedPNGTests {
    @Test(arguments: [PixelFormat.gray8, .rgb8, .rgba8])
    func stripesDecodeToTheSamePixels(format: PixelFormat) throws {
        for (width, height) in [(1024, 1024), (1000, 301), (513, 2)] {
            var image = TestImages.em(width: width * format.bytesPerPixel, height: height)
            image = try PixelImage(width: width, height: height, format: format, pixels: image.pixels)
            guard StripedPNG.applies(to: image, options: .fast) else { continue }  // small, or one core
            let striped = try StripedPNG.encode(image, options: .fast)
            #expect(try PNGCodec.decode(striped) == image, "\(width) × \(height) \(format)")
            let single = try PNGCodec.encodeWithSpng(image, options: .fast)
            #expect(Double(striped.count) < Double(single.count) * 1.01, "\(striped.count) against libspng's \(single.count)")
        }
    }

    @Test func idatSplitIntoChunksStillDecodes() throws {
        let image = TestImages.em(width: 512, height: 512)
        let png = try StripedPNG.encode(image, options: .fast, maximumChunk: 10_000)
        #expect(try PNGCodec.decode(png) == image)
        let idats = stride(from: 8, to: png.count - 8, by: 1).filter { png[$0..<$0 + 4] == Data("IDAT".utf8) }
        #expect(idats.count > 10)
    }

    @Test func onlyHuffmanOnlySubOnBigImages() {
        let big = TestImages.em(width: 1024, height: 512)
        #expect(!StripedPNG.applies(to: TestImages.em(width: 64, height: 64), options: .fast))
        #expect(!StripedPNG.applies(to: big, options: .compact))
        #expect(!StripedPNG.applies(to: big, options: .flat))
        #expect(StripedPNG.applies(to: big, options: .fast) == (ProcessInfo.processInfo.activeProcessorCount > 1))
    }
}
