import Foundation
import ImageCodecs
import JSONModel
import Testing
@testable import ConnectomeKernel

/// The installed kernelspec is the template in kernelspec/ filled in, with the logos committed there.
@Suite struct KernelspecTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func kernelJSONIsTheTemplateWithTheBinaryFilledIn() throws {
        let template = try String(contentsOf: Self.repository.appendingPathComponent("kernelspec/kernel.json"), encoding: .utf8)
        let expected = try JSONValue.parse(template.replacingOccurrences(of: "@BINARY@", with: "/opt/ck/bin/connectome-kernel"))
        #expect(KernelspecInstaller.kernelJSON(binaryPath: "/opt/ck/bin/connectome-kernel") == expected)
        #expect(expected["interrupt_mode"] == "message")
        #expect(expected["argv"]?[3] == "{connection_file}")
    }

    @Test(arguments: [32, 64]) func committedLogosAreWhatTheBinaryDraws(size: Int) throws {
        let committed = try Data(contentsOf: Self.repository.appendingPathComponent("kernelspec/logo-\(size)x\(size).png"))
        let drawn = try PNGCodec.decode(Logo.png(size: size))
        #expect(try PNGCodec.decode(committed) == drawn)
        #expect(drawn.width == size && drawn.height == size && drawn.format == .rgba8)
        // Transparent corners, opaque centre.
        #expect(drawn.pixels[3] == 0)
        #expect(drawn.pixels[((size / 2) * size + size / 2) * 4 + 3] == 255)
    }

    @Test func installWritesKernelJSONAndLogos() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("ck-ks-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let directory = try KernelspecInstaller.install(binaryPath: "/usr/bin/true", location: .prefix(prefix))
        #expect(directory == prefix + "/share/jupyter/kernels/connectome")
        let written = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: directory + "/kernel.json")))
        #expect(written["display_name"] == "Connectome")
        #expect(written["argv"]?[0] == "/usr/bin/true")
        for size in [32, 64] {
            #expect(FileManager.default.fileExists(atPath: directory + "/logo-\(size)x\(size).png"))
        }
    }
}
