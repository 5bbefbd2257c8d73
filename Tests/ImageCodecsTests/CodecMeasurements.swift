import Foundation
import Testing
import ImageCodecs

/// Prints the codec timings that matter for a slice (no assertions on time: the machine is shared).
@Suite struct CodecMeasurements {
    static func bestOf(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return best
    }

    @Test func pngEncodeOfA1024Section() throws {
        let image = TestImages.em(width: 1024, height: 1024)
        for (name, options) in [("fast", PNGOptions.fast), ("compact", .compact)] {
            var size = 0
            let time = try Self.bestOf(5) { size = try PNGCodec.encode(image, options: options).count }
            print("PNG encode 1024² EM, .\(name): \(String(format: "%.1f", time)) ms, \(size) bytes")
            #expect(size > 0)
        }
    }

    @Test func jpegSectionDecodeOfA64CubedChunk() throws {
        let jpeg = try JPEGCodec.encode(TestImages.em(width: 64, height: 4096), quality: 85)
        let full = try Self.bestOf(9) { _ = try JPEGCodec.decode(jpeg) }
        let section = try Self.bestOf(9) { _ = try JPEGCodec.decode(jpeg, rows: (37 * 64)..<(38 * 64)) }
        print("JPEG 64×4096 q85 (\(jpeg.count) bytes): full decode \(String(format: "%.2f", full)) ms, section 37 \(String(format: "%.2f", section)) ms")
        #expect(jpeg.count > 0)
    }
}
