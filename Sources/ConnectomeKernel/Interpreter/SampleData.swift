import ConnectomeCore
import Foundation

/// Makes sure the bundled sample dataset exists, writing it on first use.
///
/// Several kernels may start at once (a notebook and a console, or parallel tests), so the dataset
/// is written into a private folder and renamed into place: a reader never sees half a dataset,
/// and a loser of the race simply removes its copy.
public enum SampleData {
    /// Written last, so its presence means the folder is complete.
    static let marker = ".complete"

    public static func isPresent(in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + marker)
    }

    /// Writes the sample into `directory` unless it is already there; returns true if it wrote it.
    @discardableResult
    public static func ensure(in directory: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Bool {
        if isPresent(in: directory) { return false }
        let manager = FileManager.default
        let parent = (directory as NSString).deletingLastPathComponent
        let staging = directory + ".writing-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try write(to: staging, finalDirectory: directory, progress: progress)
            _ = manager.createFile(atPath: staging + "/" + marker, contents: Data("connectome-kernel sample\n".utf8))
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

    /// Writes every part of the sample from one generated volume: the precomputed layers and the
    /// same EM as a CATMAID project under `catmaid/` (tile sources 1, 4, 5 and N5, with broken sections).
    /// `finalDirectory` is where the folder will be read from (the CATMAID mirrors hold absolute URLs).
    public static func write(to directory: String, finalDirectory: String,
                             progress: (@Sendable (Int, Int) -> Void)? = nil) throws {
        let volume = SampleVolume()
        try SampleDataset.write(volume, to: directory, progress: progress)
        _ = try SampleCatmaidStack.write(to: catmaidDirectory(in: directory), volume: volume,
                                         servedAt: "file://" + catmaidDirectory(in: finalDirectory))
    }

    /// Where the sample's CATMAID project lives (`catmaid sample` opens it).
    public static func catmaidDirectory(in directory: String) -> String {
        directory + "/catmaid"
    }
}
