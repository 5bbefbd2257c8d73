import Foundation
import ImageCodecs
import Testing
@testable import ConnectomeCore

@Suite("CATMAID scale levels and coordinates")
struct StackScaleTests {
    let info = StackInfo(id: 1, projectID: 1, title: "t", dimension: StackExtent(x: 1000, y: 601, z: 35),
                         resolution: StackVector(x: 8, y: 8, z: 40), translation: StackVector(x: 100, y: 200, z: 300))

    @Test func defaultDownsamplingHalvesThePlaneOnly() throws {
        #expect(try info.downsample(zoom: 0) == StackVector(x: 1, y: 1, z: 1))
        #expect(try info.downsample(zoom: 3) == StackVector(x: 8, y: 8, z: 1))
        #expect(try info.size(zoom: 0) == StackExtent(x: 1000, y: 601, z: 35))
        #expect(try info.size(zoom: 1) == StackExtent(x: 500, y: 301, z: 35), "ceil, not level 0's shape")
        #expect(try info.size(zoom: 3) == StackExtent(x: 125, y: 76, z: 35))
        #expect(info.maxZoomLevel == 10)
        let error = #expect(throws: ConnectomeError.self) { try info.size(zoom: 11) }
        #expect(error?.message.contains("0…10") == true)
    }

    @Test func explicitFactorsAndStatedLevels() throws {
        let explicit = try StackInfo.parse(Data(CatmaidFixtures.explicitFactorsJSON.utf8), source: "t")
        #expect(try explicit.size(zoom: 2) == StackExtent(x: 250, y: 151, z: 18))
        #expect(try explicit.voxelSize(zoom: 2) == StackVector(x: 32, y: 32, z: 80))
        #expect(throws: ConnectomeError.self) { try explicit.downsample(zoom: 3) }
        var stated = info
        stated.numZoomLevels = 2
        #expect(throws: ConnectomeError.self) { try stated.size(zoom: 3) }
        #expect(try stated.size(zoom: 2).x == 250)
    }

    @Test func voxelWorldRoundTripsAtSeveralZooms() throws {
        for zoom in [0, 1, 2, 4] {
            let factor = Double(1 << zoom)
            let world = try info.projectPosition(ofVoxel: StackVector(x: 10, y: 20, z: 3), zoom: zoom)
            #expect(world == StackVector(x: 10 * 8 * factor + 100, y: 20 * 8 * factor + 200, z: 3 * 40 + 300))
            #expect(try info.voxel(ofProjectPosition: world, zoom: zoom) == StackVector(x: 10, y: 20, z: 3))
        }
        #expect(try info.section(ofProjectPosition: StackVector(x: 0, y: 0, z: 300 + 40 * 7 + 39)) == 7)
    }

    @Test func orientationPermutesAxesAndTranslation() throws {
        var xz = info
        xz.orientation = .xz
        // Stack y runs along project z, sections along project y.
        #expect(try xz.projectPosition(ofVoxel: StackVector(x: 1, y: 2, z: 3), zoom: 0)
                    == StackVector(x: 1 * 8 + 100, y: 3 * 40 + 200, z: 2 * 8 + 300))
        var zy = info
        zy.orientation = .zy
        #expect(try zy.projectPosition(ofVoxel: StackVector(x: 1, y: 2, z: 3), zoom: 1)
                    == StackVector(x: 3 * 40 + 100, y: 2 * 16 + 200, z: 1 * 16 + 300))
        let back = try zy.voxel(ofProjectPosition: StackVector(x: 3 * 40 + 100, y: 2 * 16 + 200, z: 1 * 16 + 300), zoom: 1)
        #expect(back == StackVector(x: 1, y: 2, z: 3))
        #expect(StackOrientation.zy.axesExplained.contains("columns (stack x) run along project z"))
    }
}

@Suite("CATMAID world-centred regions and colour tiles")
struct StackWorldRegionTests {
    @Test func regionCentredOnAWorldPosition() throws {
        var info = StackInfo(id: 1, projectID: 1, title: "t", dimension: StackExtent(x: 1000, y: 600, z: 35),
                             resolution: StackVector(x: 8, y: 8, z: 40), translation: StackVector(x: 100, y: 200, z: 300))
        let (region, section) = try info.planeRegion(centredOnProject: StackVector(x: 100 + 8 * 400, y: 200 + 8 * 200, z: 300 + 40 * 12),
                                                     zoom: 2, width: 64, height: 32)
        #expect(region == StackPlaneRegion(x: 68..<132, y: 34..<66) && section == 12)
        info.orientation = .xz
        let xz = try info.planeRegion(centredOnProject: StackVector(x: 100 + 8 * 40, y: 200 + 40 * 7, z: 300 + 8 * 30),
                                      zoom: 0, width: 2, height: 2)
        #expect(xz.region == StackPlaneRegion(x: 39..<41, y: 29..<31) && xz.section == 7)
    }

    @Test func colourAndSixteenBitTilesBecomeGrey() throws {
        let rgb = try PixelImage(width: 2, height: 1, format: .rgb8, pixels: [255, 0, 0, 10, 200, 30])
        let tile = try GrayTile.decode(try PNGCodec.encode(rgb), format: "png", rows: 0..<1, source: "t")
        #expect(tile.image.pixels == [76, 124])
        let deep = try PixelImage(width: 2, height: 1, format: .gray16, pixels: [0x34, 0x12, 0xFF, 0xAB])
        #expect(try deep.toGray8().pixels == [0x12, 0xAB])
        let jpeg = try JPEGCodec.encode(try PixelImage(width: 8, height: 8, format: .rgb8, pixels: [UInt8](repeating: 128, count: 192)), quality: 95)
        let decoded = try GrayTile.decode(jpeg, format: "jpg", rows: 2..<5, source: "t")
        #expect(decoded.image.format == .gray8 && decoded.image.height == 3 && decoded.firstRow == 2)
        #expect(throws: ConnectomeError.self) { try GrayTile.decode(Data("GIF89a".utf8), format: "gif", rows: 0..<1, source: "t") }
    }
}
