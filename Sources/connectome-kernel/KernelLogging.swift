import Foundation
import Logging

/// Logs go to stderr (Jupyter shows them in the server's log) and, when asked, to a file;
/// never to stdout, which belongs to the kernel's own output.
///
/// `bootstrap` routes every `Logger(label:)` of the process there, so the domain's and the
/// transport's loggers (`connectome.http`: retries, back-offs, 429s; `connectome.precomputed`: slow
/// chunks; `connectome.cache`: evictions, at debug) land in `--log-file` beside the kernel's own.
enum KernelLogging {
    /// Sets the process-wide log handlers (once per process, as swift-log requires) and returns the kernel's logger.
    static func bootstrap(level: Logger.Level, file: String?) -> Logger {
        let fileHandler = file.flatMap { FileLogHandler(path: $0) }
        LoggingSystem.bootstrap { label in
            var handlers: [any LogHandler] = [StreamLogHandler.standardError(label: label)]
            if let fileHandler {
                var labelled = fileHandler
                labelled.label = label
                handlers.append(labelled)
            }
            var handler = MultiplexLogHandler(handlers)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "connectome-kernel")
    }
}

/// Appends one line per log record to a file.
struct FileLogHandler: LogHandler {
    private let handle: FileHandle
    /// The logger's label, written on each line (which subsystem spoke).
    var label = ""
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
        handle.write(Data("\(stamp) \(level) \(label.isEmpty ? "" : label + ": ")\(message)\(extra)\n".utf8))
    }
}
