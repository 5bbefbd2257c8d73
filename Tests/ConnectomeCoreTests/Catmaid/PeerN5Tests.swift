import Foundation
import JSONModel
import Testing
@testable import ConnectomeCore

/// N5 datasets written by zarr-python's N5Store (and tensorstore's n5 driver, when it was
/// installed), read as CATMAID type-11 stacks and compared voxel for voxel.
///
/// Run `Tests/EndToEnd/peer_n5/make_n5.py DIR` and set `CK_PEER_N5=DIR`; skipped otherwise.
@Suite("N5 written by peers")
struct PeerN5Tests {
    static let directory = ProcessInfo.processInfo.environment["CK_PEER_N5"]

    @Test(.enabled(if: directory != nil, "needs CK_PEER_N5, a directory written by Tests/EndToEnd/peer_n5/make_n5.py"))
    func peerDatasetsReadVoxelForVoxel() async throws {
        let directory = try #require(Self.directory)
        let manifest = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json")))
        let shape = try #require(manifest["shape_zyx"]?.arrayValue?.compactMap { $0.intValue })
        let (depth, height, width) = (shape[0], shape[1], shape[2])
        let expected8 = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/expected_u8.bin")))
        let expected16 = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/expected_u16.bin")))
        let datasets = try #require(manifest["datasets"]?.objectValue)
        #expect(datasets.count >= 3)
        let reader = StackReader(opener: .standard(transport: nil))
        for (path, description) in datasets.sorted(by: { $0.key < $1.key }) {
            let name = String(path.split(separator: "/")[0])
            let isU16 = description["dtype"]?.stringValue == "uint16"
            let info = StackInfo(
                id: 1, projectID: 1, title: name, dimension: StackExtent(x: width, y: height, z: depth),
                resolution: StackVector(x: 1, y: 1, z: 1), numZoomLevels: 0,
                mirrors: [StackMirror(id: 1, title: name, imageBase: "file://\(directory)/peer.n5/\(name)/%SCALE_DATASET%/0_1_2",
                                      tileWidth: 32, tileHeight: 16, tileSourceType: 11, fileExtension: "")])
            for z in 0..<depth {
                let read = try await reader.readSection(stack: info, mirror: info.mirrors[0], zoom: 0,
                                                        region: StackPlaneRegion(x: 0..<width, y: 0..<height), section: z)
                #expect(read.tilesMissing == 0, "\(path) section \(z)")
                var mismatches = 0
                for i in 0..<(width * height) {
                    let voxel = z * width * height + i
                    let want = isU16 ? expected16[2 * voxel + 1] : expected8[voxel]
                    if read.image.pixels[i] != want { mismatches += 1 }
                }
                #expect(mismatches == 0, "\(path) section \(z): \(mismatches) voxels differ")
            }
        }
    }
}
