import Foundation
import JSONModel
import Testing
@testable import ConnectomeCore

/// Volumes written by CloudVolume and TensorStore (Tests/EndToEnd/peer_fixtures/make_peer_volumes.py),
/// read through FileStore and compared voxel for voxel with what the peers read back.
///
/// Runs when `CK_PEER_FIXTURES` names the script's output directory (the Makefile generates it).
@Suite struct PeerFixtureTests {
    struct Entry: Decodable, Sendable, CustomStringConvertible {
        var name: String
        var data_type: String
        var channels: Int
        var size: [Int]
        var voxel_offset: [Int]
        var tolerance: Int
        var writer: String
        var description: String { "\(name) (\(writer))" }
    }

    static let directory = ProcessInfo.processInfo.environment["CK_PEER_FIXTURES"]

    static func entries() -> [Entry] {
        guard let directory, let data = FileManager.default.contents(atPath: directory + "/manifest.json"),
              let entries = try? JSONDecoder().decode([Entry].self, from: data) else { return [] }
        return entries
    }

    /// Shown as the reason the suite's tests were skipped.
    static let needsFixtures: Comment =
        "needs CK_PEER_FIXTURES, the output of Tests/EndToEnd/peer_fixtures/make_peer_volumes.py (cloud-volume, tensorstore, numpy)"

    @Test(.enabled(if: directory != nil, needsFixtures))
    func fixturesAreReadable() {
        #expect(!Self.entries().isEmpty, "CK_PEER_FIXTURES=\(Self.directory ?? "") has no readable manifest.json")
    }

    @Test(.enabled(if: directory != nil, needsFixtures), arguments: entries())
    func readsThePeerVolume(entry: Entry) async throws {
        let directory = Self.directory!
        let volume = try await PrecomputedVolume.open(store: FileStore(directory: directory + "/" + entry.name),
                                                      cache: ChunkCache(capacityBytes: 64 << 20), infoCache: nil)
        let dataType = try #require(VoxelDataType(rawValue: entry.data_type))
        #expect(volume.info.dataType == dataType && volume.info.numChannels == entry.channels)
        let expected = try #require(FileManager.default.contents(atPath: directory + "/" + entry.name + ".expected"))
        let (sx, sy, sz) = (entry.size[0], entry.size[1], entry.size[2])
        let (ox, oy, oz) = (entry.voxel_offset[0], entry.voxel_offset[1], entry.voxel_offset[2])
        let item = dataType.itemSize
        #expect(expected.count == sx * sy * sz * entry.channels * item)
        let expectedBytes = [UInt8](expected)
        for z in 0..<sz {
                // A region one voxel larger than the volume on every side: the border must read as 0.
                let read = try await volume.readSection(mip: 0, x: (ox - 1)..<(ox + sx + 1), y: (oy - 1)..<(oy + sy + 1),
                                                        z: oz + z)
                var worst: UInt64 = 0
                for y in -1...sy { for x in -1...sx { for channel in 0..<entry.channels {
                    let got = read.section.value(column: x + 1, row: y + 1, channel: channel)
                    let inside = (0..<sx).contains(x) && (0..<sy).contains(y)
                    let want = inside ? expectedBytes.withUnsafeBytes {
                        VoxelSection.load($0, offset: (((channel * sz + z) * sy + y) * sx + x) * item, dataType: dataType)
                    } : 0
                    let difference = got > want ? got - want : want - got
                    worst = max(worst, difference)
                    if difference > UInt64(entry.tolerance) {
                        Issue.record("\(entry): voxel (\(ox + x), \(oy + y), \(oz + z)) channel \(channel) is \(got), the peer read \(want)")
                        return
                    }
                } } }
                #expect(worst <= UInt64(entry.tolerance))
        }
        // Point lookups agree with sections.
        let points = [(ox, oy, oz), (ox + sx - 1, oy + sy - 1, oz + sz - 1), (ox + sx / 2, oy + sy / 3, oz + sz / 2)]
        let values = try await volume.readValues(mip: 0, points: points)
        for (point, value) in zip(points, values) {
            let section = try await volume.readSection(mip: 0, x: point.0..<(point.0 + 1), y: point.1..<(point.1 + 1), z: point.2)
            #expect(section.section.value(column: 0, row: 0) == value)
        }
    }
}
