import Foundation

/// A fresh directory under the system temp dir, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "cck-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `objects` (paths relative to the directory) creating parent directories.
    public func write(_ objects: [String: Data]) throws {
        for (key, data) in objects {
            let file = URL(fileURLWithPath: path + "/" + key)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: file)
        }
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
