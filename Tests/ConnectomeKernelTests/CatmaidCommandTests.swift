import ConnectomeCore
import ConnectomeSample
import Foundation
import ImageCodecs
import JSONModel
import JupyterProtocol
import Testing
@testable import ConnectomeKernel

/// `catmaid`, `stack`, and `slice` / `info` on a stack, through the interpreter, on a small sample
/// CATMAID project written once (file://).
@Suite struct CatmaidCommandTests {
    static let size = [320, 288, 40]
    static let volume = SampleVolume(size: size, mipCount: 1)
    static let server: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catmaid-cmd-\(UUID().uuidString)").path
        _ = try! SampleCatmaidStack.write(to: directory, volume: volume, format: .png)
        return "file://" + directory
    }()

    func kernelOnStack(mirror: Int = 1) async -> Kernel {
        let kernel = Kernel()
        await kernel.run("catmaid \"\(Self.server)\"")
        await kernel.run("stack 1 mirror=\(mirror)")
        return kernel
    }

    func image(_ bundle: MimeBundle?) throws -> PixelImage {
        guard case .string(let base64)? = bundle?.data["image/png"], let data = Data(base64Encoded: base64) else {
            throw ConnectomeError.data("no image/png")
        }
        return try PNGCodec.decode(data)
    }

    @Test func catmaidListsStacksAndStackListsMirrors() async throws {
        let kernel = Kernel()
        guard case .string(let stacks)? = await kernel.run("catmaid \"\(Self.server)\" project=1")?.data["text/plain"] else {
            Issue.record("no table"); return
        }
        #expect(stacks.contains("stacks of project 1"))
        guard case .string(let mirrors)? = await kernel.run("stack 1 mirror=2")?.data["text/plain"] else { return }
        #expect(mirrors.contains("in use") && mirrors.contains("broken sections 10, 20, 21"))
        guard case .string(let info)? = await kernel.run("info")?.data["text/plain"] else { return }
        #expect(info == mirrors)
    }

    @Test(arguments: [1, 2, 3, 4]) func sliceReadsTheStackVoxelForVoxel(mirror: Int) async throws {
        let kernel = await kernelOnStack(mirror: mirror)
        let section = try image(await kernel.run("slice x=160 y=144 z=5 size=128"))
        let (w, h) = (Self.size[0], Self.size[1])
        #expect(section.width == 128 && section.height == 128)
        for (row, y) in (80..<208).enumerated() where row % 9 == 0 {
            for (column, x) in (96..<224).enumerated() where column % 11 == 0 {
                #expect(section.pixels[row * 128 + column] == Self.volume.images[0][(5 * h + y) * w + x])
            }
        }
    }

    @Test func brokenSectionsShowTheNextGoodOneAndSaySo() async throws {
        let kernel = await kernelOnStack()
        let bundle = await kernel.run("slice x=160 y=144 z=20 size=64")
        guard case .string(let summary)? = bundle?.data["text/plain"] else { Issue.record("no summary"); return }
        #expect(summary.contains("section 20 is broken, showing section 22"))
    }

    @Test func worldCoordinatesAreNanometres() async throws {
        let kernel = await kernelOnStack()
        let voxels = try image(await kernel.run("slice x=160 y=144 z=5 size=64"))
        let nanometres = try image(await kernel.run("slice x=1280 y=1152 z=210 units=\"nm\" size=64"))
        #expect(voxels == nanometres)
    }

    @Test func datasetSwitchesBackFromTheStack() async throws {
        let kernel = await kernelOnStack()
        await kernel.run("dataset crant")
        let report = await kernel.failure("slice x=1 y=1 z=1 zoom=1")
        #expect(report?.evalue.contains("zoom= is for CATMAID stacks") == true)
    }

    @Test(arguments: [
        ("stack 1", "no CATMAID project is open"),
        ("catmaid \"file:///nonexistent/catmaid\"", "does not exist"),
    ])
    func errorsBeforeConnecting(code: String, fragment: String) async throws {
        let report = await Kernel().failure(code)
        #expect(report?.evalue.contains(fragment) == true, "\(report?.evalue ?? "")")
    }

    @Test func askingForAPasswordWithoutStdinIsAClearError() async throws {
        let kernel = Kernel()
        await kernel.run("catmaid \"\(Self.server)\"")
        let report = await kernel.failure("stack 1 mirror=1 user=\"lab\" password=true")
        #expect(report?.ename == "InputError")
        #expect(report?.evalue.contains("allow_stdin") == true)
        let unknownMirror = await kernel.failure("stack 1 mirror=99")
        #expect(unknownMirror?.evalue.contains("99") == true)
    }
}
