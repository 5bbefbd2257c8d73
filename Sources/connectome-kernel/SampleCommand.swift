import ArgumentParser
import ConnectomeKernel
import Foundation

/// Writes the bundled sample dataset (what `dataset sample` opens) to a folder.
struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write the offline sample dataset (synthetic EM, segmentation, CATMAID tiles).",
        discussion: "Without --out it goes where the kernel looks for it: \(KernelEnvironment.defaultSampleDirectory()).")

    @Option(name: .long, help: "The folder to write into.")
    var out: String?

    @Flag(name: .long, help: "Write again even if the folder already holds the sample.")
    var force = false

    @Option(name: .long, help: "Also write PNGs of two sample sections (image, segmentation, overlay) into this folder, to look at.")
    var preview: String?

    func run() async throws {
        let directory = out.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? KernelEnvironment.defaultSampleDirectory()
        if force { try? FileManager.default.removeItem(atPath: directory) }
        let start = Date()
        let wrote = try SampleData.ensure(in: directory)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        print(wrote ? "Wrote the sample dataset to \(directory) in \(seconds) s" : "The sample dataset is already in \(directory)")
        if let preview {
            let folder = URL(fileURLWithPath: preview).standardizedFileURL.path
            for path in try await SamplePreview.write(sample: directory, to: folder) { print("Wrote \(path)") }
        }
    }
}
