import ArgumentParser
import ConnectomeCore
import ConnectomeSample
import CurlHTTP
import Foundation
import ImageCodecs

/// `bench-stack`: times one section of a CATMAID stack (tiles fetched, decoded, stitched, PNG)
/// for `bench/slice/stack.py`, which runs pymaid.stack on the same server beside it.
struct BenchStackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-stack",
        abstract: "Time reading one CATMAID stack section and encoding it as PNG (for bench/slice).",
)

    @Option(help: "The CATMAID server URL.") var server: String?
    @Option(help: "Project id.") var project = 1
    @Option(help: "Stack id.") var stack = 1
    @Option(help: "Mirror id.") var mirror = 1
    @Option(help: "Left edge of the section, in stack voxels of the zoom level.") var x = 0
    @Option(help: "Top edge.") var y = 0
    @Option(help: "Section.") var z = 37
    @Option(help: "Width and height.") var size = 1024
    @Option(help: "Zoom level.") var zoom = 0
    @Option(help: "Timed runs.") var runs = 7
    @Option(help: "cold (new project, stack info and transport each run) or warm (reused).") var mode = "warm"
    @Option(help: "Write the last PNG here.") var png: String?
    @Option(help: "Write the sample CATMAID project to this folder, its mirrors served at --served-at, and exit.")
    var writeSample: String?
    @Option(help: "The URL the sample folder will be served at.") var servedAt: String?

    func run() async throws {
        if let writeSample {
            _ = try SampleCatmaidStack.write(to: writeSample, volume: SampleVolume(), servedAt: servedAt)
            print(#"{"directory": "\#(writeSample)"}"#)
            return
        }
        guard let server else { throw ValidationError("give --server (or --write-sample DIR --served-at URL)") }
        let region = StackPlaneRegion(x: x..<(x + size), y: y..<(y + size))
        var times: [[String: Double]] = []
        var tiles = (total: 0, fetched: 0, missing: 0)
        var setup = try await open(server)
        for index in -1..<runs {  // run -1 is an untimed warm-up
            let start = ContinuousClock.now
            if mode == "cold" { setup = try await open(server) }
            let read = try await setup.reader.readSection(stack: setup.info, mirror: setup.mirror, zoom: zoom,
                                                         region: region, section: z)
            let fetched = ContinuousClock.now
            let encoded = try PNGCodec.encode(read.image)
            let done = ContinuousClock.now
            if index >= 0 {
                times.append(["read": milliseconds(fetched - start), "png": milliseconds(done - fetched),
                              "total": milliseconds(done - start)])
            }
            tiles = (read.tilesTotal, read.tilesFetched, read.tilesMissing)
            if let png, index == runs - 1 { try encoded.write(to: URL(fileURLWithPath: png)) }
        }
        let median = { (key: String) -> Double in
            let sorted = times.map { $0[key]! }.sorted()
            return sorted[sorted.count / 2]
        }
        let report: [String: Any] = [
            "mode": mode, "mirror": mirror, "tile_source": setup.mirror.tileSourceType, "size": size, "z": z,
            "tiles_total": tiles.total, "tiles_fetched": tiles.fetched, "tiles_missing": tiles.missing,
            "median": ["read": median("read"), "png": median("png"), "total": median("total")],
            "runs": times, "peak_rss_mb": peakRSSMegabytes(),
        ]
        let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    private func open(_ server: String) async throws -> (info: StackInfo, mirror: StackMirror, reader: StackReader) {
        let opener = CatmaidStoreOpener.standard(transport: CurlTransport())
        let project = try CatmaidProject(server: server, project: project, opener: opener)
        let info = try await project.stackInfo(.id(stack))
        return (info, try info.mirror(.id(mirror)), StackReader(opener: opener))
    }

    private func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
