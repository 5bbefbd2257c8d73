import ConnectomeCore
import ConnectomeSample
import Foundation
import Logging

/// Makes sure the bundled sample dataset exists, writing each part when it is first needed.
///
/// The first `slice` needs one slab of the image layer (`ensureImageSlab`, a fraction of a second);
/// everything else (the raw image, the segmentation with its connectome, the CATMAID project) is
/// written by `ensure` when a command first reads it (several seconds: the whole volume is generated).
///
/// Nothing half-written is ever taken as complete:
/// - a slab's chunk files are each written whole (temporary name, rename), and the slab's marker
///   under `.written/` only after all of them; a slab without its marker is written again;
/// - the other parts are written into a private folder and renamed into place, each whole;
///   `.complete-3` is written after the last, so its presence means the folder is complete.
/// Several kernels may write at once (a notebook and a console, or parallel tests): the bytes are
/// the same, so whoever renames first wins and the others drop their copies.
public enum SampleData {
    /// Written last, so its presence means the folder is complete.
    /// Versioned: a sample written by an older kernel (other chunk shapes, no connectome) lacks this
    /// name and `layoutMarker`, so the folder is written again rather than read half-way.
    static let marker = ".complete-3"
    /// Written first into a new folder: the folder follows this layout (parts may still be missing).
    static let layoutMarker = ".layout-3"
    /// Markers of the image slabs written on demand (`image-z8-16`).
    static let slabMarkers = ".written"

    /// Says when and how long the sample is written: a slow first cell's log then explains itself.
    static let logger = Logger(label: "connectome.sample")

    public static func isPresent(in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + marker)
    }

    /// True when the image slab of `sections` is there (or the whole sample is).
    static func isSlabPresent(_ sections: Range<Int>, in directory: String) -> Bool {
        isPresent(in: directory) || FileManager.default.fileExists(atPath: slabMarker(sections, in: directory))
    }

    static func slabMarker(_ sections: Range<Int>, in directory: String) -> String {
        "\(directory)/\(slabMarkers)/\(SampleLayout.imageLayer)-z\(sections.lowerBound)-\(sections.upperBound)"
    }

    /// Writes the sample into `directory` unless it is already there; returns true if it wrote it.
    ///
    /// For cells: the writing runs off the cooperative pool and stops within moments of an interrupt,
    /// leaving nothing half-written behind (the private folder is removed before this returns).
    @discardableResult
    public static func ensureInterruptibly(in directory: String, progress: (@Sendable (Int, Int) -> Void)? = nil,
                                           volumeSize: [Int] = SampleVolume.defaultSize) async throws -> Bool {
        if isPresent(in: directory) { return false }
        return try await BlockingWork.run(onCancel: .waitForWork) { flag in
            try ensure(in: directory, progress: progress, stop: flag.probe, volumeSize: volumeSize)
        }
    }

    /// Writes the image slab holding `sections` (and the image layer's `info`) unless it is there.
    /// Interruptible like `ensureInterruptibly`; an interrupted slab has no marker and is written again.
    static func ensureImageSlabInterruptibly(_ sections: Range<Int>, in directory: String,
                                             volumeSize: [Int] = SampleVolume.defaultSize) async throws {
        if isSlabPresent(sections, in: directory) { return }
        try await BlockingWork.run(onCancel: .waitForWork) { flag in
            try ensureImageSlab(sections, in: directory, stop: flag.probe, volumeSize: volumeSize)
        }
    }

    /// The image layer's `info`, written at once (without any chunk) so that the layer can be opened.
    static func ensureImageInfo(in directory: String, volumeSize: [Int] = SampleVolume.defaultSize) throws {
        if isPresent(in: directory) { return }
        try prepareFolder(directory)
        let path = "\(directory)/\(SampleLayout.imageLayer)/info"
        if FileManager.default.fileExists(atPath: path) { return }
        try wrapped(directory) {
            try SampleDataset.writeInfo(.image, size: volumeSize, mipCount: SampleVolume.defaultMipCount, to: directory)
        }
    }

    static func ensureImageSlab(_ sections: Range<Int>, in directory: String, stop: (@Sendable () -> Bool)? = nil,
                                volumeSize: [Int] = SampleVolume.defaultSize) throws {
        if isSlabPresent(sections, in: directory) { return }
        try ensureImageInfo(in: directory, volumeSize: volumeSize)
        let start = ContinuousClock.now
        let volume = try SampleVolume(size: volumeSize, sections: sections, stop: stop ?? { false })
        try wrapped(directory) {
            try SampleDataset.writeImageSlab(volume, sections: sections, to: directory, stop: stop)
            try markSlab(sections, in: directory)
        }
        logger.notice("wrote the sample's image sections", metadata: [
            "sections": "\(sections.lowerBound)..<\(sections.upperBound)", "directory": "\(directory)",
            "seconds": "\(start.duration(to: .now))",
        ])
    }

    private static func markSlab(_ sections: Range<Int>, in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/" + slabMarkers, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: slabMarker(sections, in: directory), contents: Data()) else {
            throw ConnectomeError.data("could not mark the sample's image sections \(sections) as written in \(directory)")
        }
    }

    /// Writes the sample into `directory` unless it is already there; returns true if it wrote it.
    /// `stop` is asked often while writing; when it answers true the private folder is removed and
    /// `CancellationError` thrown. `volumeSize` is for tests (the sample proper is `SampleVolume.defaultSize`).
    @discardableResult
    public static func ensure(in directory: String, progress: (@Sendable (Int, Int) -> Void)? = nil,
                              stop: (@Sendable () -> Bool)? = nil, volumeSize: [Int] = SampleVolume.defaultSize) throws -> Bool {
        if isPresent(in: directory) { return false }
        let manager = FileManager.default
        try prepareFolder(directory)
        removeAbandonedStaging(for: directory)
        let staging = directory + stagingInfix + "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? manager.removeItem(atPath: staging) }
        let start = ContinuousClock.now
        logger.notice("writing the whole sample dataset", metadata: ["directory": "\(directory)"])
        try wrapped(directory) {
            let volume = try SampleVolume(size: volumeSize, stop: stop ?? { false })
            // The image layer fills in place, slab by slab, as `slice` does; the rest goes to the private folder.
            try ensureImageInfo(in: directory, volumeSize: volumeSize)
            for start in stride(from: 0, to: volumeSize[2], by: SampleDataset.slabDepth) {
                let slab = SampleDataset.slab(containing: start, depth: volumeSize[2])
                guard !isSlabPresent(slab, in: directory) else { continue }
                try SampleDataset.writeImageSlab(volume, sections: slab, to: directory, stop: stop)
                try markSlab(slab, in: directory)
            }
            try write(volume, to: staging, finalDirectory: directory, progress: progress, stop: stop)
            try moveParts(from: staging, to: directory)
        }
        if isPresent(in: directory) { return false }  // another kernel finished first
        guard manager.createFile(atPath: directory + "/" + marker, contents: Data("connectome-kernel sample\n".utf8)) else {
            throw ConnectomeError.data("could not mark the sample dataset in \(directory) as complete")
        }
        logger.notice("wrote the sample dataset", metadata: ["directory": "\(directory)", "seconds": "\(start.duration(to: .now))"])
        return true
    }

    /// Creates `directory` for this layout; a folder without `layoutMarker` (from an older kernel)
    /// is removed first.
    private static func prepareFolder(_ directory: String) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: directory + "/" + layoutMarker) { return }
        try wrapped(directory) {
            // Empty means another kernel has just created it: keep it (it writes the marker next).
            if let names = try? manager.contentsOfDirectory(atPath: directory), !names.isEmpty {
                try? manager.removeItem(atPath: directory)
            }
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            _ = manager.createFile(atPath: directory + "/" + layoutMarker, contents: Data())
        }
    }

    /// Renames each part of `staging` into `directory`; a part already there (renamed whole by an
    /// earlier, interrupted run or by another kernel) is kept, as its bytes are the same.
    private static func moveParts(from staging: String, to directory: String) throws {
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: staging) {
            let target = directory + "/" + name
            if manager.fileExists(atPath: target) { continue }
            do {
                try manager.moveItem(atPath: staging + "/" + name, toPath: target)
            } catch where manager.fileExists(atPath: target) {
                continue  // another kernel won the race
            }
        }
    }

    /// Runs `body`, passing cancellation through and turning any other error into one that says where.
    private static func wrapped(_ directory: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as ConnectomeError {
            throw error
        } catch {
            throw ConnectomeError.data("could not write the sample dataset into \(directory): \(error)",
                                       hint: "Check that the folder is writable, or set CONNECTOME_SAMPLE_DIR to another folder")
        }
    }

    /// Private folders are named `<directory>.writing-<pid>-<random>`.
    static let stagingInfix = ".writing-"

    /// Removes private folders left by kernels that were killed while writing (their process is gone).
    static func removeAbandonedStaging(for directory: String) {
        let parent = (directory as NSString).deletingLastPathComponent
        let prefix = (directory as NSString).lastPathComponent + stagingInfix
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(prefix) {
            let pid = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = Int32(pid), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: parent + "/" + name)
        }
    }

    /// Writes the parts of the sample other than the image layer from one generated volume: the raw
    /// image, the segmentation with its connectome, and the same EM as a CATMAID project under
    /// `catmaid/` (tile sources 1, 4, 5 and N5, with broken sections). `finalDirectory` is where the
    /// folder will be read from (the CATMAID mirrors hold absolute URLs).
    static func write(_ volume: SampleVolume, to directory: String, finalDirectory: String,
                      progress: (@Sendable (Int, Int) -> Void)? = nil, stop: (@Sendable () -> Bool)? = nil) throws {
        try SampleDataset.write(volume, to: directory, layers: [.imageRaw, .segmentation], progress: progress, stop: stop)
        _ = try SampleCatmaidStack.write(to: catmaidDirectory(in: directory), volume: volume,
                                         servedAt: "file://" + catmaidDirectory(in: finalDirectory), stop: stop)
    }

    /// Where the sample's CATMAID project lives (`catmaid sample` opens it).
    public static func catmaidDirectory(in directory: String) -> String {
        directory + "/" + SampleLayout.catmaidDirectory
    }
}
