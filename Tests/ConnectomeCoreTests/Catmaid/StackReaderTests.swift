import ConnectomeSample
import Foundation
import ImageCodecs
import Testing
@testable import ConnectomeCore

/// Reads the written sample project back through `file://` and compares with the source volume.
@Suite("CATMAID stack reader over a sample project")
struct StackReaderTests {
    static let size = (width: 600, height: 400, depth: 24)

    /// PNG tiles, so that every zoom level can be compared exactly.
    static let pngProject: (directory: String, sample: SampleCatmaidStack) = {
        let directory = CatmaidFixtures.temporaryDirectory("png")
        let sample = try! SampleCatmaidStack.write(
            to: directory, width: size.width, height: size.height, depth: size.depth,
            sections: { CatmaidFixtures.section(width: size.width, height: size.height, z: $0) }, format: .png)
        return (directory, sample)
    }()

    static func expected(section z: Int, zoom: Int) -> PixelImage {
        var image = CatmaidFixtures.section(width: size.width, height: size.height, z: z)
        for _ in 0..<zoom { image = image.halved() }
        return image
    }

    let reader = StackReader(opener: .standard(transport: nil))

    @Test func projectListsAndDescribesTheSample() async throws {
        let sample = Self.pngProject.sample
        let project = try CatmaidProject(server: sample.serverURL, project: 1, opener: .standard(transport: nil))
        #expect(try await project.stacks().map(\.title) == ["sample EM"])
        let info = try await project.stackInfo(.title("sample EM"))
        #expect(info == sample.info)
        #expect(info.dimension == StackExtent(x: 600, y: 400, z: 24))
        #expect(info.numZoomLevels == 2 && sample.levelSizes.map(\.width) == [600, 300, 150])
        #expect(info.brokenSections.indices == [10, 20, 21])
        #expect(info.mirrors.map(\.tileSourceType) == [1, 4, 5, 11])
        let missing = await #expect(throws: ConnectomeError.self) { try await project.stackInfo(.id(7)) }
        #expect(missing?.message.contains("1/stack/7/info") == true)
    }

    @Test(arguments: [1, 2, 3, 4])
    func everyZoomLevelMatchesTheVolumeExactly(mirrorID: Int) async throws {
        let info = Self.pngProject.sample.info
        let mirror = try info.mirror(.id(mirrorID))
        for zoom in 0...info.maxZoomLevel {
            let level = try info.size(zoom: zoom)
            for section in [0, 7, 17, 23] {
                let read = try await reader.readSection(
                    stack: info, mirror: mirror, zoom: zoom,
                    region: StackPlaneRegion(x: 0..<level.x, y: 0..<level.y), section: section)
                #expect(read.image == Self.expected(section: section, zoom: zoom),
                        "mirror \(mirrorID) zoom \(zoom) section \(section)")
                #expect(read.tilesMissing == 0 && read.tilesFetched == read.tilesTotal && read.brokenSubstitution == nil)
            }
        }
    }

    @Test(arguments: [1, 4])
    func brokenSectionsShowTheNextGoodOne(mirrorID: Int) async throws {
        let info = Self.pngProject.sample.info
        let mirror = try info.mirror(.id(mirrorID))
        for (asked, shown) in [(10, 11), (20, 22), (21, 22)] {
            let read = try await reader.readSection(stack: info, mirror: mirror, zoom: 1,
                                                    region: .centred(x: 150, y: 100, width: 100, height: 80), section: asked)
            #expect(read.brokenSubstitution?.requested == asked && read.brokenSubstitution?.used == shown)
            #expect(read.image == Self.expected(section: shown, zoom: 1).crop(x: 100, y: 60, width: 100, height: 80))
            #expect(read.summary.contains("section \(asked) is broken, showing section \(shown)"))
        }
    }

    @Test func regionsPartlyOutsideArePaddedAndWhollyOutsideAreErrors() async throws {
        let info = Self.pngProject.sample.info
        let mirror = try info.mirror(.id(3))
        let read = try await reader.readSection(stack: info, mirror: mirror, zoom: 0,
                                                region: StackPlaneRegion(x: 590..<610, y: -5..<5), section: 3)
        let source = Self.expected(section: 3, zoom: 0)
        for y in 0..<10 {
            for x in 0..<20 {
                let inside = x < 10 && y >= 5
                let want = inside ? source.pixels[(y - 5) * 600 + 590 + x] : 0
                #expect(read.image.pixels[y * 20 + x] == want, "pixel \(x), \(y)")
            }
        }
        #expect(read.tilesTotal == 1)
        let outside = await #expect(throws: ConnectomeError.self) {
            try await reader.readSection(stack: info, mirror: mirror, zoom: 1,
                                         region: StackPlaneRegion(x: 300..<310, y: 0..<10), section: 3)
        }
        #expect(outside?.kind == .argument)
        #expect(outside?.message.contains("x 0..<300, y 0..<200") == true)
        let section = await #expect(throws: ConnectomeError.self) {
            try await reader.readSection(stack: info, mirror: mirror, zoom: 0,
                                         region: StackPlaneRegion(x: 0..<10, y: 0..<10), section: 24)
        }
        #expect(section?.message.contains("0..<24") == true)
    }

    @Test func missingTilesAndBlocksReadAsBackgroundAndAreCounted() async throws {
        let directory = CatmaidFixtures.temporaryDirectory("missing")
        var sample = try SampleCatmaidStack.write(
            to: directory, width: 300, height: 300, depth: 3, sections: { CatmaidFixtures.section(width: 300, height: 300, z: $0) },
            format: .png, brokenSections: [])
        sample.info.placeholderColor = PlaceholderColor(r: 0.5, g: 0.5, b: 0.5)
        try FileManager.default.removeItem(atPath: directory + "/tiles5/0/1/1/0.png")
        try FileManager.default.removeItem(atPath: directory + "/sample.n5/volume/s0/2/0/0")
        let expected = CatmaidFixtures.section(width: 300, height: 300, z: 1)

        let tiles = try await reader.readSection(stack: sample.info, mirror: try sample.info.mirror(.id(3)), zoom: 0,
                                                 region: StackPlaneRegion(x: 0..<300, y: 0..<300), section: 1)
        #expect(tiles.tilesTotal == 4 && tiles.tilesFetched == 3 && tiles.tilesMissing == 1)
        #expect(tiles.image.pixels[260 * 300 + 10] == 128, "tile row 1, column 0 is missing")
        #expect(tiles.image.pixels[10 * 300 + 10] == expected.pixels[10 * 300 + 10])
        #expect(tiles.summary.contains("1 missing (background 128)"))

        let blocks = try await reader.readSection(stack: sample.info, mirror: try sample.info.mirror(.id(4)), zoom: 0,
                                                  region: StackPlaneRegion(x: 0..<300, y: 0..<300), section: 1)
        #expect(blocks.tilesTotal == 9 && blocks.tilesMissing == 1)
        #expect(blocks.image.pixels[10 * 300 + 290] == 128, "block (2, 0) is missing")
        #expect(blocks.image.pixels[200 * 300 + 290] == expected.pixels[200 * 300 + 290])
    }

    @Test func jpegTilesMatchWithinTolerance() async throws {
        let directory = CatmaidFixtures.temporaryDirectory("jpeg")
        let sample = try SampleCatmaidStack.write(
            to: directory, width: 300, height: 270, depth: 2,
            sections: { CatmaidFixtures.section(width: 300, height: 270, z: $0, pattern: CatmaidFixtures.smooth) },
            format: .jpeg(quality: 95), brokenSections: [])
        for zoom in 0...1 {
            let level = try sample.info.size(zoom: zoom)
            let read = try await reader.readSection(stack: sample.info, mirror: try sample.info.mirror(.id(1)), zoom: zoom,
                                                    region: StackPlaneRegion(x: 0..<level.x, y: 0..<level.y), section: 1)
            var want = CatmaidFixtures.section(width: 300, height: 270, z: 1, pattern: CatmaidFixtures.smooth)
            for _ in 0..<zoom { want = want.halved() }
            let differences = zip(read.image.pixels, want.pixels).map { abs(Int($0) - Int($1)) }
            #expect(differences.count == level.x * level.y)
            #expect(differences.max()! <= 10, "zoom \(zoom)")
            #expect(Double(differences.reduce(0, +)) / Double(differences.count) < 1.5, "zoom \(zoom)")
        }
    }
}

@Suite("CATMAID sample from the sample EM volume")
struct SampleVolumeStackTests {
    @Test func sampleVolumeSectionsReadBackExactly() async throws {
        let volume = SampleVolume(size: [300, 260, 23], mipCount: 1)
        let directory = CatmaidFixtures.temporaryDirectory("volume")
        let sample = try SampleCatmaidStack.write(to: directory, volume: volume, format: .png)
        #expect(sample.info.resolution == StackVector(x: 8, y: 8, z: 42))
        #expect(sample.info.brokenSections.indices == [10, 20, 21])
        let reader = StackReader(opener: .standard(transport: nil))
        for mirrorID in [1, 4] {
            let read = try await reader.readSection(stack: sample.info, mirror: try sample.info.mirror(.id(mirrorID)), zoom: 0,
                                                    region: StackPlaneRegion(x: 0..<300, y: 0..<260), section: 21)
            #expect(read.brokenSubstitution?.used == 22)
            #expect(read.image.pixels == Array(volume.images[0][(22 * 300 * 260)..<(23 * 300 * 260)]), "mirror \(mirrorID)")
        }
    }
}
