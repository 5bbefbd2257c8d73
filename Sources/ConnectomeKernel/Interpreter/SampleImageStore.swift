import ConnectomeCore
import ConnectomeSample
import Foundation
import Synchronization

/// The sample's image layer as files, with each slab of sections written the first time one of
/// its chunks is read: the first `slice` on a fresh machine waits for one slab, not the sample.
///
/// Chunk keys name their z range (`8_8_42/0-64_0-64_8-16`); before the files are read, every slab
/// they touch is written (once, however many chunk reads ask at the same time), so a chunk that is
/// missing because it was not written yet is never shown as background. An interrupt stops the
/// slab (its marker is not written, so the next read writes it again).
final class SampleImageStore: KeyValueStore {
    private let files: any KeyValueStore
    private let directory: String
    private let volumeSize: [Int]
    private var depth: Int { volumeSize[2] }
    /// Slabs known to be written (by their first section), so most reads ask the file system nothing.
    private let written = Mutex<Set<Int>>([])
    private let writing = Mutex<[Int: Task<Void, any Error>]>([:])

    /// `volumeSize` is for tests (the sample proper is `SampleVolume.defaultSize`).
    init(files: any KeyValueStore, directory: String, volumeSize: [Int] = SampleVolume.defaultSize) {
        self.files = files
        self.directory = directory
        self.volumeSize = volumeSize
    }

    var baseURL: String { files.baseURL }

    func read(_ key: String, range: Range<Int>?) async throws -> Data? {
        try await prepare([key])
        return try await files.read(key, range: range)
    }

    func readMany(_ keys: [String]) async throws -> [Data?] {
        try await prepare(keys)
        return try await files.readMany(keys)
    }

    /// The z range a chunk key names (its last path component is `x0-x1_y0-y1_z0-z1`), nil for others.
    static func sections(of key: String) -> Range<Int>? {
        guard let name = key.split(separator: "/").last else { return nil }
        let parts = name.split(separator: "_")
        guard parts.count == 3 else { return nil }
        let bounds = parts[2].split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] >= 0, bounds[0] < bounds[1] else { return nil }
        return bounds[0]..<bounds[1]
    }

    private func prepare(_ keys: [String]) async throws {
        var starts = Set<Int>()
        for key in keys {
            guard let sections = Self.sections(of: key) else { continue }
            let first = SampleDataset.slab(containing: sections.lowerBound, depth: depth).lowerBound
            for start in stride(from: first, to: min(sections.upperBound, depth), by: SampleDataset.slabDepth) {
                starts.insert(start)
            }
        }
        let known = written.withLock { $0 }
        for start in starts.subtracting(known).sorted() {
            let slab = SampleDataset.slab(containing: start, depth: depth)
            if !SampleData.isSlabPresent(slab, in: directory) { try await writeOnce(slab) }
            written.withLock { _ = $0.insert(start) }
        }
    }

    /// One writer per slab; every reader waits for it, and an interrupted reader stops it.
    private func writeOnce(_ slab: Range<Int>) async throws {
        let (directory, volumeSize) = (self.directory, self.volumeSize)
        let task = writing.withLock { tasks in
            if let running = tasks[slab.lowerBound] { return running }
            let task = Task { try await SampleData.ensureImageSlabInterruptibly(slab, in: directory, volumeSize: volumeSize) }
            tasks[slab.lowerBound] = task
            return task
        }
        defer { writing.withLock { tasks in if tasks[slab.lowerBound] == task { tasks[slab.lowerBound] = nil } } }
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
