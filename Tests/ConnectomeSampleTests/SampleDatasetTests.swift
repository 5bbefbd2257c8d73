import Foundation
import Testing
@testable import ConnectomeCore
@testable import ConnectomeSample

@Suite struct SampleDatasetTests {
    /// Not a multiple of the 64³ chunk (nor of the image's 8 sections), so edge chunks are truncated at every mip.
    static let size = [200, 136, 70]

    @Test func writesAndReadsBackVoxelForVoxel() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/ck-sample-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let volume = SampleVolume(size: Self.size, mipCount: 3)
        let summary = try SampleDataset.write(volume, to: directory)
        // image_raw and segmentation in 64³ chunks; the image in 64 × 64 × 8 (70 sections: 9 slabs).
        #expect(summary.files == 2 * (4 * 3 * 2 + 2 * 2 * 2 + 1 * 1 * 2) + (4 * 3 + 2 * 2 + 1 * 1) * 9)

        let raw = try await PrecomputedVolume.open(store: FileStore(directory: directory + "/image_raw"), cache: nil, infoCache: nil)
        let jpeg = try await PrecomputedVolume.open(store: FileStore(directory: directory + "/image"), cache: nil, infoCache: nil)
        let seg = try await PrecomputedVolume.open(store: FileStore(directory: directory + "/segmentation"), cache: nil, infoCache: nil)
        #expect(raw.info.scales.map(\.size) == [[200, 136, 70], [100, 68, 70], [50, 34, 70]])
        #expect(seg.info.dataType == .uint64 && seg.info.scales[0].encoding == .compressedSegmentation)

        for mip in 0..<3 {
            let size = volume.mipSize(mip)
            let labels = volume.labels(mip: mip)
            for z in [0, 37, 69] {
                let offset = z * size[0] * size[1]
                let expected = Array(volume.images[mip][offset..<(offset + size[0] * size[1])])
                let rawRead = try await raw.readSection(mip: mip, x: 0..<size[0], y: 0..<size[1], z: z)
                #expect(rawRead.section.data == expected, "raw mip \(mip) z \(z)")
                let jpegRead = try await jpeg.readSection(mip: mip, x: 0..<size[0], y: 0..<size[1], z: z)
                var total = 0
                for i in 0..<expected.count { total += abs(Int(jpegRead.section.data[i]) - Int(expected[i])) }
                #expect(Double(total) / Double(expected.count) < 8, "jpeg mip \(mip) z \(z) mean error")
                let segRead = try await seg.readSection(mip: mip, x: 0..<size[0], y: 0..<size[1], z: z)
                let segValues = segRead.section.data.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
                #expect(segValues == Array(labels[offset..<(offset + size[0] * size[1])]), "seg mip \(mip) z \(z)")
            }
        }
    }

    @Test func labelsLookLikeLayer8RootIDs() {
        let volume = SampleVolume(size: [96, 80, 6], mipCount: 2)
        let ids = Set(volume.labels(mip: 0))
        #expect(ids.count > 10)
        #expect(ids.allSatisfy { $0 >> 56 == 8 })
        #expect(!ids.contains(0))
    }

    @Test func generationIsDeterministicAndLooksLikeEM() {
        let a = SampleVolume(size: [128, 96, 4], mipCount: 2)
        let b = SampleVolume(size: [128, 96, 4], mipCount: 2)
        #expect(a.images == b.images && a.cells == b.cells)
        // Light cytoplasm, a dark membrane tail.
        let sorted = a.images[0].sorted()
        let median = Int(sorted[sorted.count / 2]), darkest5 = Int(sorted[sorted.count / 20])
        #expect((140...200).contains(median), "median \(median)")
        #expect(darkest5 < 110, "5th percentile \(darkest5)")
    }
}
