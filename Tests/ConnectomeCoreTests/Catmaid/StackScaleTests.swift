import Foundation
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
