import Testing
@testable import ConnectomeCore
import ImageCodecs

@Suite("SectionRenderer: grey")
struct GrayRenderingTests {
    @Test("uint8 sections come back byte for byte with no options")
    func uint8Passthrough() throws {
        var generator = SystemRandomNumberGenerator()
        let values = [0, 255] + (0..<(50 * 61 - 2)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let section = RenderFixture.section(values, width: 50, type: .uint8)
        let image = try SectionRenderer.gray(section)
        #expect(image.format == .gray8)
        #expect(image.width == 50 && image.height == values.count / 50)
        #expect(image.pixels == values)
        #expect(try PNGCodec.decode(PNGCodec.encode(image)).pixels == values)
    }

    @Test("three-channel uint8 stays RGB as stored")
    func rgbPassthrough() throws {
        let values: [UInt8] = [1, 2, 3, 250, 251, 252]
        let image = try SectionRenderer.gray(RenderFixture.section(values, width: 2, type: .uint8, channels: 3))
        #expect(image.format == .rgb8)
        #expect(image.pixels == values)
    }

    @Test("invert maps v to 255 − v")
    func invert() throws {
        let values: [UInt8] = [0, 1, 128, 254, 255]
        let image = try SectionRenderer.gray(RenderFixture.section(values, width: 5, type: .uint8),
                                             options: GrayOptions(invert: true))
        #expect(image.pixels == [255, 254, 127, 1, 0])
    }

    @Test("uint16 over its full range by default: round(v · 255 / 65535)")
    func uint16Default() throws {
        let section = RenderFixture.section([0, 128, 257, 32768, 65534, 65535] as [UInt16], width: 6, type: .uint16)
        #expect(try SectionRenderer.window(for: section, contrast: .standard) == GrayWindow(low: 0, high: 65535))
        #expect(try SectionRenderer.gray(section).pixels == [0, 0, 1, 128, 255, 255])
    }

    @Test("an explicit window clips below low and above high and scales linearly between")
    func uint16Window() throws {
        let section = RenderFixture.section([0, 1000, 1200, 1500, 1998, 2000, 3000] as [UInt16], width: 7, type: .uint16)
        let image = try SectionRenderer.gray(section, options: GrayOptions(contrast: .window(low: 1000, high: 2000)))
        // 200 · 255 / 1000 = 51; 500 · 255 / 1000 = 127.5 → 128; 998 · 255 / 1000 = 254.49 → 254.
        #expect(image.pixels == [0, 0, 51, 128, 254, 255, 255])
        let inverted = try SectionRenderer.gray(section, options: GrayOptions(contrast: .window(low: 1000, high: 2000), invert: true))
        #expect(inverted.pixels == [255, 255, 204, 127, 1, 0, 0])
    }

    @Test("signed 16-bit runs from its minimum (black) to its maximum (white)")
    func int16Default() throws {
        let section = RenderFixture.section([Int16.min, -1, 0, Int16.max], width: 4, type: .int16)
        // (−1 + 32768) · 255 / 65535 = 127.498 → 127; (0 + 32768) · 255 / 65535 = 127.502 → 128.
        #expect(try SectionRenderer.gray(section).pixels == [0, 127, 128, 255])
    }

    @Test("uint32 with a window uses the same formula as the lookup-table types")
    func uint32Window() throws {
        let section = RenderFixture.section([0, 100_000, 150_000, 200_000, 4_000_000_000] as [UInt32], width: 5, type: .uint32)
        let image = try SectionRenderer.gray(section, options: GrayOptions(contrast: .window(low: 100_000, high: 200_000)))
        #expect(image.pixels == [0, 0, 128, 255, 255])
    }

    @Test("float32 spans its finite min…max by default; NaN is black and ignored")
    func float32Default() throws {
        let section = RenderFixture.floats([-1, 0, 1, 3, .nan, .infinity], width: 6)
        #expect(try SectionRenderer.window(for: section, contrast: .standard) == GrayWindow(low: -1, high: 3))
        // (0 + 1) · 255 / 4 = 63.75 → 64; (1 + 1) · 255 / 4 = 127.5 → 128; +∞ clips to white.
        #expect(try SectionRenderer.gray(section).pixels == [0, 64, 128, 255, 0, 255])
    }

    @Test("float32 with contrast none is read as 0…1")
    func float32None() throws {
        let section = RenderFixture.floats([-0.5, 0, 0.25, 0.5, 1, 2], width: 6)
        let image = try SectionRenderer.gray(section, options: GrayOptions(contrast: .none))
        #expect(image.pixels == [0, 0, 64, 128, 255, 255])
    }

    @Test("percentile contrast picks nearest-rank values, exactly for 16-bit data")
    func percentile16() throws {
        let section = RenderFixture.section((0..<1000).map { UInt16($0 * 3) }, width: 100, type: .uint16)
        // Ranks round(0.005 · 999) = 5 and round(0.995 · 999) = 994.
        #expect(try SectionRenderer.window(for: section, contrast: .auto) == GrayWindow(low: 15, high: 2982))
        let image = try SectionRenderer.gray(section, options: GrayOptions(contrast: .auto))
        #expect(image.pixels.first == 0 && image.pixels.last == 255)
        #expect(image.pixels[500] == GrayWindow(low: 15, high: 2982).level(1500))
    }

    @Test("percentile contrast on float32 data")
    func percentileFloat() throws {
        let section = RenderFixture.floats((0..<1001).map { Float($0) / 10 }, width: 1001)
        #expect(try SectionRenderer.window(for: section, contrast: .percentile(low: 10, high: 90))
            == GrayWindow(low: Double(Float(10)), high: Double(Float(90))))
    }

    @Test("windows that are not ranges are refused with the values")
    func badWindows() throws {
        let section = RenderFixture.section([1, 2] as [UInt16], width: 2, type: .uint16)
        let error = #expect(throws: ConnectomeError.self) {
            try SectionRenderer.gray(section, options: GrayOptions(contrast: .window(low: 5, high: 5)))
        }
        #expect(error?.kind == .argument)
        #expect(error?.message.contains("(5.0, 5.0)") == true)
        #expect(throws: ConnectomeError.self) {
            try SectionRenderer.gray(section, options: GrayOptions(contrast: .percentile(low: 50, high: 101)))
        }
        #expect(throws: ConnectomeError.self) {
            try SectionRenderer.gray(RenderFixture.section([1, 2] as [UInt8], width: 1, type: .uint8, channels: 2))
        }
    }
}
