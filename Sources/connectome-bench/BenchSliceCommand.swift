import ArgumentParser
import ConnectomeCore
import ConnectomeSample
import CurlHTTP
import Foundation
import ImageCodecs
import Synchronization

/// `bench-slice`: times one XY section end to end (fetch + decode, render, PNG) for `bench/slice/run.py`.
///
/// A measuring instrument, not a user command (so it lives in `connectome-bench`). It prints one JSON object so
/// the script can put our numbers next to TensorStore's and CloudVolume's from the same server.
struct BenchSliceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-slice",
        abstract: "Time reading, rendering and PNG-encoding one XY section (for bench/slice).",
)

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        /// A new transport and volume (info fetched) for every run, no cache.
        case cold
        /// One volume reused, no cache: every chunk fetched again.
        case warm
        /// Only the GETs a warm read makes, replayed without decoding: the floor for moving the bytes.
        case fetchOnly = "fetch-only"
        /// No I/O: SectionRenderer alone on synthetic `size`² sections (grey windows, colours, overlay).
        case renderer
    }

    @Option(help: "The volume's URL (http://…, file://…, precomputed://…).")
    var url: String?

    @Option(help: "Left edge of the section, in voxels of the mip.") var x = 0
    @Option(help: "Top edge of the section.") var y = 0
    @Option(help: "The section's z.") var z = 37
    @Option(help: "Width and height of the section.") var size = 1024
    @Option(help: "The scale to read.") var mip = 0
    @Option(help: "Timed runs.") var runs = 7
    @Option(help: "cold, warm, fetch-only or renderer.") var mode: Mode = .cold
    @Option(help: "Untimed cold runs before the timed ones (first-use set-up out of the numbers).") var warmup = 0
    @Option(help: "Write the last PNG here (to compare pixels with other libraries).") var png: String?
    @Option(help: "Write the sample dataset to this folder and exit (while `sample` is not wired).")
    var writeSample: String?

    func run() async throws {
        if let writeSample {
            let summary = try SampleDataset.write(to: writeSample)
            print(#"{"directory": "\#(summary.directory)", "files": \#(summary.files), "bytes": \#(summary.bytes)}"#)
            return
        }
        if mode == .renderer {
            try timeRenderer()
            return
        }
        guard let url else { throw ValidationError("give --url (or --write-sample DIR)") }
        let region = (x: x..<(x + size), y: y..<(y + size))
        var report = Report(url: url, mode: mode.rawValue, x: x, y: y, z: z, size: size, mip: mip)

        switch mode {
        case .cold:
            for _ in 0..<warmup {
                let volume = try await PrecomputedVolume.open(url: url, transport: CurlTransport(), cache: nil, infoCache: nil)
                _ = try await measure(volume, region, since: .now)
            }
            for _ in 0..<runs {
                let start = ContinuousClock.now
                let transport = CurlTransport()
                let volume = try await PrecomputedVolume.open(url: url, transport: transport, cache: nil, infoCache: nil)
                try await report.add(measure(volume, region, since: start))
            }
        case .warm:
            let volume = try await PrecomputedVolume.open(url: url, transport: CurlTransport(), cache: nil, infoCache: nil)
            _ = try await measure(volume, region, since: .now)
            for _ in 0..<runs { try await report.add(measure(volume, region, since: .now)) }
        case .fetchOnly:
            let store = try openStore(url: url, transport: CurlTransport())
            let recorder = RecordingStore(store)
            let volume = try await PrecomputedVolume.open(store: recorder, cache: nil, infoCache: nil)
            _ = try await volume.readSection(mip: mip, x: region.x, y: region.y, z: z)
            recorder.reset()
            _ = try await volume.readSection(mip: mip, x: region.x, y: region.y, z: z)
            let reads = recorder.reads
            for _ in 0..<runs {
                let start = ContinuousClock.now
                let bytes = try await replay(reads, on: store)
                let elapsed = milliseconds(start.duration(to: .now))
                report.runs.append(Run(fetchDecode: elapsed, render: 0, png: 0, total: elapsed, pngBytes: 0))
                report.requests = reads.count
                report.bytesFetched = bytes
            }
            report.reads = reads.map { ReadRecord(key: $0.key, start: $0.range?.lowerBound, end: $0.range?.upperBound) }
            report.dataType = volume.info.dataType.rawValue
            report.encoding = try volume.info.scale(mip: mip).encoding.description
        case .renderer:
            return
        }
        report.peakRSSMegabytes = peakRSSMegabytes()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(report.finished()), as: UTF8.self))
    }

    /// One read, render and encode; `since` is when the run started (before `open` when cold).
    private func measure(_ volume: PrecomputedVolume, _ region: (x: Range<Int>, y: Range<Int>),
                         since start: ContinuousClock.Instant) async throws -> Measured {
        let read = try await volume.readSection(mip: mip, x: region.x, y: region.y, z: z)
        let fetched = ContinuousClock.now
        let image = volume.info.type == .segmentation
            ? try SectionRenderer.segmentation(read.section)
            : try SectionRenderer.gray(read.section)
        let rendered = ContinuousClock.now
        let options: PNGOptions = volume.info.type == .segmentation ? Self.segmentationPNG : .fast
        let encoded = try PNGCodec.encode(image, options: options)
        let done = ContinuousClock.now
        if let png { try encoded.write(to: URL(fileURLWithPath: png)) }
        return Measured(run: Run(fetchDecode: milliseconds(start.duration(to: fetched)),
                                 render: milliseconds(fetched.duration(to: rendered)),
                                 png: milliseconds(rendered.duration(to: done)),
                                 total: milliseconds(start.duration(to: done)), pngBytes: encoded.count),
                        read: read, info: volume.info, mip: mip)
    }

    /// Segment colours are flat fields where deflate's matches pay (unlike noisy EM): level 1 with the
    /// default strategy rather than Huffman-only, the same zlib level the peers get from Pillow.
    static let segmentationPNG = PNGOptions(compressionLevel: 1, strategy: .default, filters: .sub)

    /// GETs `reads` with the reader's concurrency (128 in flight), returning the bytes received.
    private func replay(_ reads: [RecordingStore.Read], on store: any KeyValueStore) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0, total = 0
            func launch() {
                let read = reads[next]
                next += 1
                group.addTask { try await store.read(read.key, range: read.range)?.count ?? 0 }
            }
            while next < min(128, reads.count) { launch() }
            while let bytes = try await group.next() {
                total += bytes
                if next < reads.count { launch() }
            }
            return total
        }
    }
}

// MARK: - Renderer alone

extension BenchSliceCommand {
    /// Median milliseconds of each SectionRenderer path on synthetic data, as one JSON object.
    private func timeRenderer() throws {
        let side = size, count = size * size
        var em8 = [UInt8](repeating: 0, count: count)
        var em16 = [UInt8](repeating: 0, count: count * 2)
        var ids = [UInt8](repeating: 0, count: count * 8)
        for row in 0..<side {
            for column in 0..<side {
                let index = row * side + column
                let level = UInt16(truncatingIfNeeded: (row &* 31 &+ column &* 17) ^ (row >> 3))
                em8[index] = UInt8(truncatingIfNeeded: level)
                em16[2 * index] = UInt8(truncatingIfNeeded: level)
                em16[2 * index + 1] = UInt8(truncatingIfNeeded: level >> 5)
                // Irregular cells of about 24 × 24 pixels with CAVE-sized IDs, 0 on the cell borders.
                let cell = UInt64((row + column / 3) / 24 * 1000 + (column + row / 5) / 24)
                let border = (row + column / 3) % 24 == 0 || (column + row / 5) % 24 == 0
                let id = border ? 0 : 864_691_135_000_000_000 + cell &* 7919
                withUnsafeBytes(of: id.littleEndian) { ids.replaceSubrange((8 * index)..<(8 * index + 8), with: $0) }
            }
        }
        let extent = 0..<side
        let gray8 = VoxelSection(x: extent, y: extent, z: 0, dataType: .uint8, channels: 1, data: em8)
        let gray16 = VoxelSection(x: extent, y: extent, z: 0, dataType: .uint16, channels: 1, data: em16)
        let segmentation = VoxelSection(x: extent, y: extent, z: 0, dataType: .uint64, channels: 1, data: ids)
        let picked = Set((0..<50).map { SegmentID(864_691_135_000_000_000 + UInt64($0 * 1001) &* 7919) })
        let cases: [(String, () throws -> PixelImage)] = [
            ("gray_uint8_passthrough", { try SectionRenderer.gray(gray8) }),
            ("gray_uint8_invert", { try SectionRenderer.gray(gray8, options: GrayOptions(invert: true)) }),
            ("gray_uint16_window", { try SectionRenderer.gray(gray16, options: GrayOptions(contrast: .window(low: 100, high: 1800))) }),
            ("gray_uint16_auto", { try SectionRenderer.gray(gray16, options: GrayOptions(contrast: .auto)) }),
            ("segmentation", { try SectionRenderer.segmentation(segmentation) }),
            ("overlay", { try SectionRenderer.overlay(gray8, segmentation) }),
            ("overlay_segments_50", { try SectionRenderer.overlay(gray8, segmentation, style: SegmentationStyle(segments: picked)) }),
            ("overlay_outline", { try SectionRenderer.overlay(gray8, segmentation, style: SegmentationStyle(outline: true)) }),
        ]
        var medians: [String: Double] = [:]
        for (name, body) in cases {
            var times: [Double] = []
            for _ in 0..<max(runs, 1) {
                let start = ContinuousClock.now
                let image = try body()
                times.append(milliseconds(start.duration(to: .now)))
                precondition(image.width == side)
            }
            medians[name] = times.sorted()[times.count / 2]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(["size": Double(side), "runs": Double(runs)].merging(medians) { a, _ in a }),
                     as: UTF8.self))
    }
}

// MARK: - Report

extension BenchSliceCommand {
    struct Run: Codable {
        var fetchDecode: Double
        var render: Double
        var png: Double
        var total: Double
        var pngBytes: Int
    }

    /// One GET of a fetch-only replay (`end` exclusive), so other clients can make the same requests.
    struct ReadRecord: Codable {
        var key: String
        var start: Int?
        var end: Int?
    }

    struct Measured {
        var run: Run
        var read: SectionRead
        var info: PrecomputedInfo
        var mip: Int
    }

    struct Report: Codable {
        var url: String
        var mode: String
        var x: Int, y: Int, z: Int, size: Int, mip: Int
        var dataType = ""
        var encoding = ""
        var chunksTotal = 0
        var chunksFetched = 0
        var chunksMissing = 0
        var requests = 0
        var bytesFetched = 0
        var peakRSSMegabytes = 0.0
        var runs: [Run] = []
        var median: Run?
        var reads: [ReadRecord]?

        init(url: String, mode: String, x: Int, y: Int, z: Int, size: Int, mip: Int) {
            (self.url, self.mode, self.x, self.y, self.z, self.size, self.mip) = (url, mode, x, y, z, size, mip)
        }

        mutating func add(_ measured: Measured) throws {
            runs.append(measured.run)
            dataType = measured.info.dataType.rawValue
            encoding = try measured.info.scale(mip: measured.mip).encoding.description
            chunksTotal = measured.read.chunksTotal
            chunksFetched = measured.read.chunksFetched
            chunksMissing = measured.read.chunksMissing
            bytesFetched = measured.read.bytesFetched
        }

        func finished() -> Report {
            var report = self
            func median(_ values: [Double]) -> Double {
                let sorted = values.sorted()
                guard !sorted.isEmpty else { return 0 }
                let middle = sorted.count / 2
                return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
            }
            report.median = Run(fetchDecode: median(runs.map(\.fetchDecode)), render: median(runs.map(\.render)),
                                png: median(runs.map(\.png)), total: median(runs.map(\.total)),
                                pngBytes: runs.last?.pngBytes ?? 0)
            return report
        }
    }
}

private func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return (Double(seconds) * 1e3 + Double(attoseconds) / 1e15).rounded(toPlaces: 3)
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

/// Peak resident set size of this process (Linux reports `ru_maxrss` in KiB).
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return (Double(usage.ru_maxrss) / 1024).rounded(toPlaces: 1)
}

/// A store that notes every read, so `fetch-only` can replay exactly the GETs the reader made.
private final class RecordingStore: KeyValueStore {
    struct Read: Sendable {
        var key: String
        var range: Range<Int>?
    }

    let inner: any KeyValueStore
    private let log = Mutex<[Read]>([])

    init(_ inner: any KeyValueStore) { self.inner = inner }

    var baseURL: String { inner.baseURL }
    var reads: [Read] { log.withLock { $0 } }
    func reset() { log.withLock { $0.removeAll() } }

    func read(_ key: String, range: Range<Int>?) async throws -> Data? {
        log.withLock { $0.append(Read(key: key, range: range)) }
        return try await inner.read(key, range: range)
    }
}
