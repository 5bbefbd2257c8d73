import Testing
@testable import ConnectomeCore
import ImageCodecs

@Suite("SectionRenderer: segmentation and overlay")
struct SegmentationRenderingTests {
    @Test("display colours match an independent Python implementation of the hash")
    func pinnedColors() {
        // From a plain-Python transcription of splitmix64's finalizer → HSV → RGB.
        let expected: [(UInt64, [UInt8])] = [
            (1, [183, 93, 79]), (2, [196, 132, 73]), (3, [247, 241, 102]), (42, [60, 242, 200]),
            (864_691_135_000_000_000, [28, 30, 182]), (UInt64.max, [124, 23, 251]),
        ]
        for (id, rgb) in expected {
            #expect(RenderFixture.bytes(SegmentID(id).displayColor) == rgb, "ID \(id)")
        }
    }

    @Test("colours are stable across calls and differ between common IDs")
    func stableAndDistinct() throws {
        let ids: [UInt64] = (1...2000).map { $0 } + (0..<2000).map { 864_691_135_000_000_000 + $0 * 7919 }
        let section = RenderFixture.ids(ids, width: 100)
        let first = try SectionRenderer.segmentation(section)
        let second = try SectionRenderer.segmentation(section)
        #expect(first.pixels == second.pixels)
        var colors = Set<RGBColor>()
        for (index, id) in ids.enumerated() {
            let color = SegmentID(id).displayColor
            #expect(RenderFixture.rgb(first.pixels, index) == RenderFixture.bytes(color))
            colors.insert(color)
            let top = Int(max(color.red, color.green, color.blue)), bottom = Int(min(color.red, color.green, color.blue))
            #expect(top >= 178, "value ≥ 0.7 for \(id)")
            #expect(Double(top - bottom) / Double(top) >= 0.54, "saturation ≥ 0.55 for \(id)")
        }
        #expect(colors.count >= ids.count * 99 / 100)
        for id in ids.dropLast() {
            #expect(SegmentID(id).displayColor != SegmentID(id + 1).displayColor)
        }
    }

    @Test("ID 0 is black alone and shows the EM in an overlay")
    func zeroIsBackground() throws {
        let section = RenderFixture.ids([0, 5, 0], width: 3)
        let alone = try SectionRenderer.segmentation(section)
        #expect(RenderFixture.rgb(alone.pixels, 0) == [0, 0, 0])
        #expect(RenderFixture.rgb(alone.pixels, 1) == RenderFixture.bytes(SegmentID(5).displayColor))
        #expect(RenderFixture.rgb(alone.pixels, 2) == [0, 0, 0])
        let gray = try PixelImage(width: 3, height: 1, format: .gray8, pixels: [10, 20, 30])
        let over = try SectionRenderer.overlay(gray: gray, section)
        #expect(RenderFixture.rgb(over.pixels, 0) == [10, 10, 10])
        #expect(RenderFixture.rgb(over.pixels, 2) == [30, 30, 30])
    }

    @Test("alpha blending: (g · (255 − a) + c · a + 127) / 255 with a = round(alpha · 255)")
    func blending() throws {
        let em = RenderFixture.section([100, 200, 0, 255] as [UInt8], width: 4, type: .uint8)
        let seg = RenderFixture.ids([0, 7, 7, 7], width: 4)
        let red = RGBColor(red: 255, green: 0, blue: 0)
        let image = try SectionRenderer.overlay(em, seg, style: SegmentationStyle(colors: [7: red]))
        #expect(image.format == .rgb8)
        // alpha 0.35 → a = 89: (200 · 166 + 255 · 89 + 127) / 255 = 219, (200 · 166 + 127) / 255 = 130.
        #expect(image.pixels == [100, 100, 100, 219, 130, 130, 89, 0, 0, 255, 166, 166])
        let opaque = try SectionRenderer.overlay(em, seg, style: SegmentationStyle(alpha: 1, colors: [7: red]))
        #expect(RenderFixture.rgb(opaque.pixels, 1) == [255, 0, 0])
        let clear = try SectionRenderer.overlay(em, seg, style: SegmentationStyle(alpha: 0, colors: [7: red]))
        #expect(RenderFixture.rgb(clear.pixels, 1) == [200, 200, 200])
    }

    @Test("the overlay applies the grey options to the EM first")
    func overlayWindow() throws {
        let em = RenderFixture.section([0, 65535] as [UInt16], width: 2, type: .uint16)
        let seg = RenderFixture.ids([0, 0], width: 2)
        let image = try SectionRenderer.overlay(em, seg, gray: GrayOptions(invert: true))
        #expect(image.pixels == [255, 255, 255, 0, 0, 0])
    }

    @Test("segments= colours only the listed IDs")
    func segmentFilter() throws {
        let seg = RenderFixture.ids([3, 4, 5, 4], width: 4)
        let style = SegmentationStyle(segments: [4])
        let alone = try SectionRenderer.segmentation(seg, style: style)
        let four = RenderFixture.bytes(SegmentID(4).displayColor)
        #expect(alone.pixels == [0, 0, 0] + four + [0, 0, 0] + four)
        let gray = try PixelImage(width: 4, height: 1, format: .gray8, pixels: [9, 9, 9, 9])
        let over = try SectionRenderer.overlay(gray: gray, seg, style: style)
        #expect(RenderFixture.rgb(over.pixels, 0) == [9, 9, 9])
        #expect(RenderFixture.rgb(over.pixels, 1) != [9, 9, 9])
        #expect(RenderFixture.rgb(over.pixels, 2) == [9, 9, 9])
    }

    @Test("explicit colours override the hash; others keep theirs")
    func explicitColors() throws {
        let seg = RenderFixture.ids([11, 12], width: 2)
        let chosen = RGBColor(red: 1, green: 2, blue: 3)
        let image = try SectionRenderer.segmentation(seg, style: SegmentationStyle(colors: [11: chosen]))
        #expect(RenderFixture.rgb(image.pixels, 0) == [1, 2, 3])
        #expect(RenderFixture.rgb(image.pixels, 1) == RenderFixture.bytes(SegmentID(12).displayColor))
    }

    @Test("outline colours only pixels next to another ID")
    func outline() throws {
        // Columns 0–1 are ID 1, columns 2–3 ID 2, over three rows.
        let seg = RenderFixture.ids(Array(repeating: [1, 1, 2, 2] as [UInt64], count: 3).flatMap { $0 }, width: 4)
        let one = RGBColor(red: 200, green: 0, blue: 0), two = RGBColor(red: 0, green: 0, blue: 200)
        let gray = try PixelImage(width: 4, height: 3, format: .gray8, pixels: Array(repeating: 50, count: 12))
        let image = try SectionRenderer.overlay(gray: gray, seg, style: SegmentationStyle(colors: [1: one, 2: two], outline: true))
        for row in 0..<3 {
            #expect(RenderFixture.rgb(image.pixels, row * 4 + 0) == [50, 50, 50])
            #expect(RenderFixture.rgb(image.pixels, row * 4 + 1) == [200, 0, 0])
            #expect(RenderFixture.rgb(image.pixels, row * 4 + 2) == [0, 0, 200])
            #expect(RenderFixture.rgb(image.pixels, row * 4 + 3) == [50, 50, 50])
        }
    }

    @Test("narrower ID types colour like the same uint64 IDs; many distinct IDs resolve correctly")
    func idTypesAndManyIDs() throws {
        let values = (0..<5000).map { UInt32($0 * 977 + 1) }
        let narrow = try SectionRenderer.segmentation(RenderFixture.section(values, width: 100, type: .uint32))
        let wide = try SectionRenderer.segmentation(RenderFixture.ids(values.map(UInt64.init), width: 100))
        #expect(narrow.pixels == wide.pixels)
        for index in [0, 1, 2500, 4999] {
            #expect(RenderFixture.rgb(wide.pixels, index) == RenderFixture.bytes(SegmentID(UInt64(values[index])).displayColor))
        }
    }

    @Test("mismatched sizes, alpha outside 0…1 and float IDs are refused")
    func errors() throws {
        let gray = try PixelImage(width: 2, height: 1, format: .gray8, pixels: [0, 0])
        let mismatch = #expect(throws: ConnectomeError.self) {
            try SectionRenderer.overlay(gray: gray, RenderFixture.ids([1, 2, 3], width: 3))
        }
        #expect(mismatch?.message.contains("2 × 1") == true && mismatch?.message.contains("3 × 1") == true)
        #expect(throws: ConnectomeError.self) {
            try SectionRenderer.overlay(gray: gray, RenderFixture.ids([1, 2], width: 2), style: SegmentationStyle(alpha: 1.5))
        }
        #expect(throws: ConnectomeError.self) {
            try SectionRenderer.segmentation(RenderFixture.floats([1, 2], width: 2))
        }
        let rgb = RenderFixture.section([1, 2, 3] as [UInt8], width: 1, type: .uint8, channels: 3)
        let threeChannels = #expect(throws: ConnectomeError.self) {
            try SectionRenderer.overlay(rgb, RenderFixture.ids([1], width: 1))
        }
        #expect(threeChannels?.message.contains("3 channels") == true)
    }
}
