import ConnectomeCore
import ConnectomeSample
import Foundation
import ImageCodecs
import Synchronization
import Testing
@testable import ConnectomeKernel

/// Long synchronous work answers an interrupt within a second and leaves nothing half-done.
@Suite("interrupts", .serialized, .timeLimit(.minutes(5)))
struct InterruptTests {
    static func temporaryParent() throws -> String {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("ck-interrupt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        return parent
    }

    static func isCancellation(_ result: Result<Bool, any Error>) -> Bool {
        if case .failure(let error) = result { return error is CancellationError }
        return false
    }

    @Test("cancelling the sample while its volume is generated returns within a second and leaves no complete sample")
    func sampleCancelledWhileGenerating() async throws {
        let parent = try Self.temporaryParent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let task = Task { try await SampleData.ensureInterruptibly(in: parent + "/sample") }
        try await Task.sleep(for: .milliseconds(300))
        let cancelled = ContinuousClock.now
        task.cancel()
        let result = await task.result
        // The goal is 1 s; the bound leaves room for the other suites that run beside this one on two cores.
        #expect(ContinuousClock.now - cancelled < .seconds(2.5))
        #expect(Self.isCancellation(result))
        #expect(!SampleData.isPresent(in: parent + "/sample"))
        #expect(try Self.leftovers(in: parent).isEmpty)
    }

    /// What is left beside the sample folder (private folders), and whether it claims to be complete.
    static func leftovers(in parent: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0 != "sample" }
    }

    @Test("cancelling the sample while its chunks are written returns within a second and removes the private folder")
    func sampleCancelledWhileWriting() async throws {
        let parent = try Self.temporaryParent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let task = Mutex<Task<Bool, any Error>?>(nil)
        let cancelledAt = Mutex<ContinuousClock.Instant?>(nil)
        let sawStaging = Atomic<Bool>(false)
        let started = Task {
            try await SampleData.ensureInterruptibly(in: parent + "/sample", progress: { done, _ in
                guard done == 3 else { return }
                let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
                sawStaging.store(names.contains { $0.hasPrefix("sample.writing-") }, ordering: .relaxed)
                cancelledAt.withLock { $0 = ContinuousClock.now }
                task.withLock { $0?.cancel() }
            }, volumeSize: [128, 128, 16])
        }
        task.withLock { $0 = started }
        let result = await started.result
        let cancelled = try #require(cancelledAt.withLock { $0 }, "the writing never reached its third chunk")
        #expect(ContinuousClock.now - cancelled < .seconds(2.5))  // goal 1 s; room for the suites beside it
        let staged = sawStaging.load(ordering: .relaxed)
        #expect(staged)
        #expect(Self.isCancellation(result))
        #expect(!SampleData.isPresent(in: parent + "/sample"))
        #expect(try Self.leftovers(in: parent).isEmpty)

        // The next cell writes the rest and only then calls the sample complete.
        let wrote = try await SampleData.ensureInterruptibly(in: parent + "/sample", volumeSize: [128, 128, 16])
        #expect(wrote && SampleData.isPresent(in: parent + "/sample"))
        for part in ["image/info", "image_raw/info", "segmentation/info", "neurons.csv", "synapses.csv", "catmaid/1/stacks"] {
            #expect(FileManager.default.fileExists(atPath: parent + "/sample/" + part), "\(part) is missing")
        }
        #expect(try Self.leftovers(in: parent).isEmpty)
    }

    @Test("an interrupted image slab has no marker; the next read writes it, and only the slabs it touches")
    func imageSlabCancelledThenWritten() async throws {
        let parent = try Self.temporaryParent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let sample = parent + "/sample"
        let size = [512, 512, 24]
        let task = Task { try await SampleData.ensureImageSlabInterruptibly(8..<16, in: sample, volumeSize: size) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result else {
            Issue.record("the slab was written before the interrupt; nothing was tested")
            return
        }
        #expect(error is CancellationError)
        #expect(!SampleData.isSlabPresent(8..<16, in: sample) && !SampleData.isPresent(in: sample))

        // A read through the layer's store writes the slab it needs and nothing else.
        let small = [128, 128, 24]
        try? FileManager.default.removeItem(atPath: sample)
        try SampleData.ensureImageInfo(in: sample, volumeSize: small)
        let store = SampleImageStore(files: try openStore(url: "file://" + sample + "/image", transport: nil),
                                     directory: sample, volumeSize: small)
        let chunk = try await store.read("8_8_42/64-128_0-64_8-16", range: nil)
        #expect(chunk?.isEmpty == false)
        #expect(SampleData.isSlabPresent(8..<16, in: sample))
        #expect(!SampleData.isSlabPresent(0..<8, in: sample) && !SampleData.isSlabPresent(16..<24, in: sample))
        #expect(try await store.read("info", range: nil) != nil)
        #expect(SampleImageStore.sections(of: "8_8_42/64-128_0-64_8-16") == 8..<16)
        #expect(SampleImageStore.sections(of: "info") == nil)
    }

    @Test("a private folder left by a killed kernel is removed by the next write; a live one is kept")
    func abandonedStagingIsRemoved() throws {
        let parent = try Self.temporaryParent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let dead = parent + "/sample.writing-999999999-1"
        let live = parent + "/sample.writing-\(ProcessInfo.processInfo.processIdentifier)-2"
        for path in [dead, live] { try FileManager.default.createDirectory(atPath: path + "/image", withIntermediateDirectories: true) }
        SampleData.removeAbandonedStaging(for: parent + "/sample")
        #expect(!FileManager.default.fileExists(atPath: dead) && FileManager.default.fileExists(atPath: live))
    }

    @Test("blocking work returns at once on cancel, or waits for work that cleans up")
    func blockingWork() async throws {
        let ignoring = Task {
            try await BlockingWork.run { _ in Thread.sleep(forTimeInterval: 3); return true }
        }
        try await Task.sleep(for: .milliseconds(50))
        var cancelled = ContinuousClock.now
        ignoring.cancel()
        #expect(Self.isCancellation(await ignoring.result))
        #expect(ContinuousClock.now - cancelled < .milliseconds(500))

        let cleaned = Atomic<Bool>(false)
        let cooperative = Task {
            try await BlockingWork.run(onCancel: .waitForWork) { flag -> Bool in
                defer { cleaned.store(true, ordering: .relaxed) }
                while true {
                    try flag.check()
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        cancelled = ContinuousClock.now
        cooperative.cancel()
        #expect(Self.isCancellation(await cooperative.result))
        let didClean = cleaned.load(ordering: .relaxed)
        #expect(didClean)
        #expect(ContinuousClock.now - cancelled < .milliseconds(500))

        let already = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await BlockingWork.run { _ in true }
        }
        #expect(Self.isCancellation(await already.result))
    }

    @Test("an interrupt during the PNG encoding of a large image returns within a second")
    func pngEncoding() async throws {
        // Noise that deflate cannot shorten: a random block longer than its 32 KiB window, repeated.
        var generator = SystemRandomNumberGenerator()
        let block = (0..<65_537).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(4000 * 4000 * 3)
        while pixels.count < 4000 * 4000 * 3 { pixels.append(contentsOf: block.prefix(4000 * 4000 * 3 - pixels.count)) }
        let image = try PixelImage(width: 4000, height: 4000, format: .rgb8, pixels: pixels)
        let task = Task { try await ImageValue.encoded(image: image, summary: "noise") }
        try await Task.sleep(for: .milliseconds(20))
        let cancelled = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - cancelled < .seconds(2.5))  // goal 1 s; room for the suites beside it
        guard case .failure(let error) = result else {
            Issue.record("the encoding finished before the interrupt")
            return
        }
        #expect(error is CancellationError)
    }
}
