import Foundation
import ImageCodecs
import Testing
@testable import ConnectomeCore

/// One project-space volume stored once as N5 (x, y, z); stacks of each orientation read it through
/// CATMAID's axis permutation. Each read pixel must be the volume's voxel at the project position
/// the stack geometry assigns to it.
@Suite("CATMAID stack orientations")
struct StackOrientationTests {
    static let project = (x: 23, y: 17, z: 11)

    static func store() throws -> MemoryStore {
        let store = MemoryStore(name: "orient")
        let attributes = N5DatasetAttributes(dimensions: [project.x, project.y, project.z], blockSize: [8, 8, 4],
                                             dataType: .uint16, compression: .gzip)
        try store.put("v.n5/img/s0/attributes.json", attributes.json)
        for gz in 0..<3 { for gy in 0..<3 { for gx in 0..<3 {
            let xs = (gx * 8)..<min(project.x, gx * 8 + 8), ys = (gy * 8)..<min(project.y, gy * 8 + 8)
            let zs = (gz * 4)..<min(project.z, gz * 4 + 4)
            var bytes: [UInt8] = []
            for z in zs { for y in ys { for x in xs {
                bytes += [CatmaidFixtures.value(x, y, z), 0x5A]  // big-endian: high byte first
            } } }
            let block = N5Block(shape: [xs.count, ys.count, zs.count], bytes: bytes)
            try store.put("v.n5/img/s0/\(gx)/\(gy)/\(gz)", block.encoded(compression: .gzip))
        } } }
        return store
    }

    @Test(arguments: [StackOrientation.xy, .xz, .zy])
    func sectionsAreThePlanesOfTheVolume(orientation: StackOrientation) async throws {
        let store = try Self.store()
        let axes = orientation.projectAxes
        let sizes = [Self.project.x, Self.project.y, Self.project.z]
        let info = StackInfo(
            id: 1, projectID: 1, title: "\(orientation)",
            dimension: StackExtent(x: sizes[axes[0]], y: sizes[axes[1]], z: sizes[axes[2]]),
            resolution: StackVector(x: 1, y: 1, z: 1), numZoomLevels: 0, orientation: orientation,
            mirrors: [StackMirror(id: 1, title: "n5", imageBase: "memory://orient/v.n5/img/%SCALE_DATASET%/"
                                    + axes.map(String.init).joined(separator: "_"),
                                  tileWidth: 8, tileHeight: 8, tileSourceType: 11, fileExtension: "")])
        let reader = StackReader(opener: CatmaidFixtures.opener(memory: ["memory://orient/v.n5": try store.store(at: "v.n5")]))
        for section in [0, info.dimension.z / 2, info.dimension.z - 1] {
            let read = try await reader.readSection(
                stack: info, mirror: info.mirrors[0], zoom: 0,
                region: StackPlaneRegion(x: 0..<info.dimension.x, y: 0..<info.dimension.y), section: section)
            #expect(read.image.width == info.dimension.x && read.image.height == info.dimension.y)
            var mismatches = 0
            for row in 0..<info.dimension.y {
                for column in 0..<info.dimension.x {
                    let p = try info.projectPosition(ofVoxel: StackVector(x: Double(column), y: Double(row), z: Double(section)), zoom: 0)
                    let want = CatmaidFixtures.value(Int(p.x), Int(p.y), Int(p.z))
                    if read.image.pixels[row * info.dimension.x + column] != want { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "\(orientation) section \(section)")
        }
    }
}
