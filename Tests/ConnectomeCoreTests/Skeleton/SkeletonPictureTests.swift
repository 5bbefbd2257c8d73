import ConnectomeSample
import Foundation
import ImageCodecs
import Testing
@testable import ConnectomeCore

/// The XY projection: size, background, lines where the links are, the root marked, a scale bar.
@Suite struct SkeletonPictureTests {
    func pixel(_ image: PixelImage, _ x: Int, _ y: Int) -> (Int, Int, Int) {
        let i = 3 * (y * image.width + x)
        return (Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
    }

    /// An L: 0 → 1 along x (10 µm), 1 → 2 along y (5 µm); root at 0.
    static func ell() throws -> Skeleton {
        try Skeleton(segmentID: SegmentID(123), parents: [-1, 0, 1], x: [0, 10_000, 10_000], y: [0, 0, 5_000], z: [0, 0, 40])
    }

    @Test func fitsTheSizeAndKeepsTheAspect() throws {
        let picture = SkeletonPicture(try Self.ell())
        #expect(picture.image.format == .rgb8)
        #expect(picture.image.width == 512 && picture.image.height == 256 + 16, "\(picture.image.width) × \(picture.image.height)")
        #expect(abs(picture.nanometresPerPixel - 10_000.0 / (512 - 32)) < 1e-9)
        #expect(picture.scaleBarNanometres == 2_000 && picture.scaleBarLabel == "2 µm")
        let png = try PNGCodec.encode(picture.image)
        #expect(png.count > 100)
    }

    @Test func linesRootAndBackground() throws {
        let picture = SkeletonPicture(try Self.ell())
        let image = picture.image
        // Node 0 sits at (16, 16) px: the root disc is red there.
        let root = pixel(image, 16, 16)
        #expect(root.0 > 180 && root.1 < 80 && root.2 < 80, "root \(root)")
        // Midway along the x link (y = 16): line colour, not white; just off it: white.
        let line = pixel(image, 256, 16)
        #expect(line.0 + line.1 + line.2 < 3 * 230, "line \(line)")
        #expect(pixel(image, 256, 40) == (255, 255, 255))
        // Down the y link at x = 496.
        let down = pixel(image, 496, 150)
        #expect(down.0 + down.1 + down.2 < 3 * 230, "down \(down)")
        // Corner far from everything.
        #expect(pixel(image, 300, 200) == (255, 255, 255))
        // Dark background.
        let dark = SkeletonPicture(try Self.ell(), options: .init(background: .dark)).image
        #expect(pixel(dark, 300, 200) == (24, 24, 28))
    }

    @Test func antialiasedEdgesHaveInBetweenShades() throws {
        // A diagonal: some pixels along it are neither background nor full line colour.
        let diagonal = try Skeleton(parents: [-1, 0], x: [0, 7_000], y: [0, 3_141.59], z: [0, 0])
        let image = SkeletonPicture(diagonal, options: .init(lineColor: RGBColor(red: 0, green: 0, blue: 0))).image
        var shades = Set<Int>()
        for y in 0..<image.height { for x in 100..<400 { shades.insert(pixel(image, x, y).0) } }
        #expect(shades.count > 20, "\(shades.count) grey levels")
    }

    @Test func tinyAndEmptySkeletonsStillDraw() throws {
        let single = try Skeleton(parents: [-1], x: [5], y: [5], z: [5])
        let image = SkeletonPicture(single).image
        #expect(image.width == 64 && image.height == 64)
        let empty = try Skeleton(parents: [], x: [], y: [], z: [])
        #expect(SkeletonPicture(empty).image.width >= 64)
        #expect(SkeletonSummary(empty).text == "Skeleton: 0 nodes, 0 µm of cable, 0 branch points, 0 tips.")
    }

    @Test func sampleSkeletonDrawsWithinAFewMilliseconds() throws {
        let volume = SampleVolume(size: [200, 160, 12], mipCount: 1)
        let connectome = SampleConnectome(volume)
        let skeleton = try connectome.skeleton(neuron: connectome.neuronCount / 2)
        let picture = SkeletonPicture(skeleton)
        #expect(max(picture.image.width, picture.image.height) <= 512)
        #expect(SkeletonSummary(skeleton).text.hasPrefix("Skeleton of \(skeleton.segmentID!): \(skeleton.nodeCount) nodes"))
    }
}
