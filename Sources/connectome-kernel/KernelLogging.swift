import Foundation
import Logging

/// Logs go to stderr (Jupyter shows them in the server's log) and, when asked, to a file;
/// never to stdout, which belongs to the kernel's own output.
enum KernelLogging {
    static func logger(level: Logger.Level, file: String?) -> Logger {
        var handlers: [any LogHandler] = [StreamLogHandler.standardError(label: "connectome-kernel")]
        if let file, let handler = FileLogHandler(path: file) {
            handlers.append(handler)
        }
        var logger = Logger(label: "connectome-kernel") { _ in MultiplexLogHandler(handlers) }
        logger.logLevel = level
        return logger
    }
}

/// Appends one line per log record to a file.
struct FileLogHandler: LogHandler {
    private let handle: FileHandle
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    init?(path: String) {
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
             source: String, file: String, function: String, line: UInt) {
        let all = metadata.merging(explicit ?? [:]) { _, new in new }
        let extra = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let stamp = ISO8601DateFormatter().string(from: Date())
        handle.write(Data("\(stamp) \(level) \(message)\(extra)\n".utf8))
    }
}
