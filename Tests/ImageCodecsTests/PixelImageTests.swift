import Testing
import ImageCodecs

@Suite struct PixelImageTests {
    @Test func bytesPerPixelPerFormat() {
        #expect(PixelFormat.allCases.map(\.bytesPerPixel) == [1, 2, 3, 4])
    }

    @Test func initRejectsWrongPixelCount() {
        #expect(throws: CodecError.self) {
            try PixelImage(width: 4, height: 4, format: .rgb8, pixels: [UInt8](repeating: 0, count: 47))
        }
        let image = try? PixelImage(width: 4, height: 4, format: .rgb8, pixels: [UInt8](repeating: 0, count: 48))
        #expect(image?.rowBytes == 12)
    }

    @Test func initRejectsNegativeSize() {
        #expect(throws: CodecError.self) { try PixelImage(width: -1, height: 4, format: .gray8, pixels: []) }
    }
}
