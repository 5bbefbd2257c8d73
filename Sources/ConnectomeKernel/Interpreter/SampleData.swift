import ConnectomeCore
import ConnectomeSample
import Foundation

/// Makes sure the bundled sample dataset exists, writing it on first use.
///
/// Several kernels may start at once (a notebook and a console, or parallel tests), so the dataset
/// is written into a private folder and renamed into place: a reader never sees half a dataset,
/// and a loser of the race simply removes its copy.
public enum SampleData {
    /// Written last, so its presence means the folder is complete.
    /// Versioned: a sample written by an older kernel (without the connectome tables and
    /// skeletons) lacks this name, so it is written again rather than read half-way.
    static let marker = ".complete-2"

    public static func isPresent(in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + marker)
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

    /// Writes the sample into `directory` unless it is already there; returns true if it wrote it.
    /// `stop` is asked often while writing; when it answers true the private folder is removed and
    /// `CancellationError` thrown.
    @discardableResult
    /// `volumeSize` is for tests (the sample proper is `SampleVolume.defaultSize`).
    public static func ensure(in directory: String, progress: (@Sendable (Int, Int) -> Void)? = nil,
                              stop: (@Sendable () -> Bool)? = nil, volumeSize: [Int] = SampleVolume.defaultSize) throws -> Bool {
        if isPresent(in: directory) { return false }
        let manager = FileManager.default
        let parent = (directory as NSString).deletingLastPathComponent
        removeAbandonedStaging(for: directory)
        let staging = directory + stagingInfix + "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try write(to: staging, finalDirectory: directory, progress: progress, stop: stop, volumeSize: volumeSize)
            _ = manager.createFile(atPath: staging + "/" + marker, contents: Data("connectome-kernel sample\n".utf8))
        } catch is CancellationError {
            try? manager.removeItem(atPath: staging)
            throw CancellationError()
        } catch {
            try? manager.removeItem(atPath: staging)
            throw ConnectomeError.data("could not write the sample dataset into \(directory): \(error)",
                                       hint: "Check that the folder is writable, or set CONNECTOME_SAMPLE_DIR to another folder")
        }
        if isPresent(in: directory) {
            try? manager.removeItem(atPath: staging)
            return false
        }
        try? manager.removeItem(atPath: directory)  // a half-written folder from an older, interrupted run
        do {
            try manager.moveItem(atPath: staging, toPath: directory)
        } catch {
            try? manager.removeItem(atPath: staging)
            if isPresent(in: directory) { return false }  // another kernel won the race
            throw ConnectomeError.data("could not move the sample dataset into \(directory): \(error)")
        }
        return true
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

    /// Writes every part of the sample from one generated volume: the precomputed layers and the
    /// same EM as a CATMAID project under `catmaid/` (tile sources 1, 4, 5 and N5, with broken sections).
    /// `finalDirectory` is where the folder will be read from (the CATMAID mirrors hold absolute URLs).
    public static func write(to directory: String, finalDirectory: String,
                             progress: (@Sendable (Int, Int) -> Void)? = nil, stop: (@Sendable () -> Bool)? = nil,
                             volumeSize: [Int] = SampleVolume.defaultSize) throws {
        let volume = try SampleVolume(size: volumeSize, stop: stop ?? { false })
        try SampleDataset.write(volume, to: directory, progress: progress, stop: stop)
        _ = try SampleCatmaidStack.write(to: catmaidDirectory(in: directory), volume: volume,
                                         servedAt: "file://" + catmaidDirectory(in: finalDirectory), stop: stop)
    }

    /// Where the sample's CATMAID project lives (`catmaid sample` opens it).
    public static func catmaidDirectory(in directory: String) -> String {
        directory + "/catmaid"
    }
}
