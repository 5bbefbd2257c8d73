import ConnectomeCore
import ConnectomeSample
import Foundation
import ImageCodecs
import JSONModel
import JupyterProtocol
import Testing
@testable import ConnectomeKernel

/// `dataset`, `info`, `slice`, `segment at` and `cache` through the real interpreter, on a small
/// sample written once for the suite (the full-size one takes a minute in a debug build).
@Suite struct SliceCommandTests {
    static let size = [192, 160, 70]
    static let directory: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slice-tests-\(UUID().uuidString)").path
        let volume = SampleVolume(size: size, mipCount: 2)
        try! SampleDataset.write(volume, to: directory)
        FileManager.default.createFile(atPath: directory + "/" + SampleData.marker, contents: Data())
        return directory
    }()
    static let volume = SampleVolume(size: size, mipCount: 2)

    func png(_ bundle: MimeBundle?) throws -> PixelImage {
        guard case .string(let base64)? = bundle?.data["image/png"], let data = Data(base64Encoded: base64) else {
            throw ConnectomeError.data("no image/png in \(String(describing: bundle?.data.keys))")
        }
        return try PNGCodec.decode(data)
    }

    @Test func sliceShowsTheStoredVoxelsExactly() async throws {
        let kernel = Kernel(sampleDirectory: Self.directory)
        let bundle = await kernel.run("slice x=100 y=80 z=33 width=64 height=48 layer=image_raw")
        let image = try png(bundle)
        #expect(image.format == .gray8 && image.width == 64 && image.height == 48)
        #expect(bundle?.metadata["image/png"] == ["width": 64, "height": 48])
        let (w, h) = (Self.size[0], Self.size[1])
        for (row, y) in (56..<104).enumerated() {
            for (column, x) in (68..<132).enumerated() where (row + column) % 7 == 0 {
                #expect(image.pixels[row * 64 + column] == Self.volume.images[0][(33 * h + y) * w + x])
            }
        }
        guard case .string(let summary)? = bundle?.data["text/plain"] else { Issue.record("no summary"); return }
        #expect(summary.contains("image_raw · mip 0 · x 68–132 y 56–104 z 33"))
    }

    @Test func mipCoordinatesAreMipZeroVoxels() async throws {
        let kernel = Kernel(sampleDirectory: Self.directory)
        let image = try png(await kernel.run("slice x=100 y=80 z=33 size=32 layer=image_raw mip=1"))
        let (w, h) = (Self.size[0] / 2, Self.size[1] / 2)
        // centre (50, 40) at mip 1 → x 34..<66, y 24..<56
        #expect(image.pixels[0] == Self.volume.images[1][(33 * h + 24) * w + 34])
        #expect(image.pixels[31 * 32 + 31] == Self.volume.images[1][(33 * h + 55) * w + 65])
    }

    @Test func overlayAndSegmentationAreColour() async throws {
        let kernel = Kernel(sampleDirectory: Self.directory)
        #expect(try png(await kernel.run("slice x=96 y=80 z=10 size=64 overlay=true alpha=0.5")).format == .rgb8)
        #expect(try png(await kernel.run("slice x=96 y=80 z=10 size=64 layer=segmentation")).format == .rgb8)
    }

    @Test func segmentAtReadsTheLabels() async throws {
        let kernel = Kernel(sampleDirectory: Self.directory)
        let labels = Self.volume.labels(mip: 0)
        let (w, h) = (Self.size[0], Self.size[1])
        let one = await kernel.run("segment at (20, 30, 40)")
        #expect(one?.data["text/plain"] == .string(String(labels[(40 * h + 30) * w + 20])))
        let many = await kernel.run("segment at [(1, 2, 3), (150, 100, 60)]")
        #expect(many?.data["text/plain"] == .string("[\(labels[(3 * h + 2) * w + 1]), \(labels[(60 * h + 100) * w + 150])]"))
    }

    @Test func infoAndCacheAreTables() async throws {
        let kernel = Kernel(sampleDirectory: Self.directory)
        guard case .string(let html)? = await kernel.run("info image")?.data["text/html"] else { Issue.record("no html"); return }
        #expect(html.contains("jpeg") && html.contains("192 × 160 × 70"))
        await kernel.run("slice x=96 y=80 z=10 size=64")
        guard case .string(let text)? = await kernel.run("cache")?.data["text/plain"] else { Issue.record("no text"); return }
        #expect(!text.contains("\n0        0 bytes"), "the slice should have filled the cache: \(text)")
        guard case .string(let cleared)? = await kernel.run("cache clear")?.data["text/plain"] else { return }
        #expect(cleared.contains("0 bytes"))
    }

    @Test(arguments: [
        ("slice x=5000 y=10 z=3", "ArgumentError", "lies wholly outside the volume"),
        ("slice x=10 y=10 z=3 mip=9", "ArgumentError", "mip 9 does not exist in image"),
        ("slice x=10 y=10 z=3 layer=\"nope\"", "ArgumentError", "has no layer 'nope'"),
        ("slice x=10 y=10 z=3 alpha=2", "ArgumentError", "alpha=2 is out of range for 'slice': alpha takes 0 to 1"),
        ("slice x=10 y=10 z=3 zoom=1", "ArgumentError", "zoom= is for CATMAID stacks"),
        ("slice y=10 z=3", "ArgumentError", "x"),
        ("segment (1, 2, 3)", "ArgumentError", "needs the word 'at'"),
        ("dataset mouse", "ArgumentError", "'mouse' is not one of the words PRESET takes ('sample', 'crant', 'cave')"),
        ("dataset \"mouse\"", "ArgumentError", "there is no dataset preset 'mouse'"),
    ])
    func errorsSayWhatWasWrong(code: String, ename: String, fragment: String) async throws {
        let kernel = Kernel(sampleDirectory: Self.directory)
        let report = await kernel.failure(code)
        #expect(report?.ename == ename)
        #expect(report?.evalue.contains(fragment) == true, "\(report?.evalue ?? "")")
    }
}
