import Foundation
import JSONModel
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One executed cell in the history: `(session, line, input)` plus its `text/plain` result, if any.
public struct HistoryEntry: Sendable, Equatable {
    public var session: Int
    public var line: Int
    public var input: String
    public var output: String?

    public init(session: Int, line: Int, input: String, output: String? = nil) {
        self.session = session
        self.line = line
        self.input = input
        self.output = output
    }
}

/// The input history, kept across kernel restarts in an append-only JSON-lines file.
///
/// Every kernel process is a new session: its number is one more than the highest session found at the end
/// of the file, and a session-start line is appended at once so a kernel started next counts past it. Each
/// line is written with one `write(2)` on an `O_APPEND` descriptor, so kernels sharing the file interleave
/// whole lines. The current session is also kept in memory, so history works even when the file cannot be
/// written.
public final class HistoryStore: Sendable {
    public let session: Int
    public let fileURL: URL?
    private let current = Mutex<[HistoryEntry]>([])
    private let descriptor: Int32
    private let logger: Logger

    /// `fileURL` nil keeps history in memory only (one session).
    public init(fileURL: URL?, logger: Logger) {
        self.fileURL = fileURL
        self.logger = logger
        guard let fileURL else {
            session = 1
            descriptor = -1
            return
        }
        session = (Self.lastSession(in: fileURL) ?? 0) + 1
        try? FileManager.default.createDirectory(
            at: fileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(fileURL.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            logger.warning("history file \(fileURL.path) cannot be opened for appending (\(String(cString: strerror(errno)))); history will not outlive this kernel")
        } else {
            writeLine(["session": .int(Int64(session)), "start": .string(Timestamp.now())])
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The default file: `$CONNECTOME_KERNEL_HISTORY`, else `$XDG_DATA_HOME/connectome-kernel/history.jsonl`,
    /// else `~/.local/share/connectome-kernel/history.jsonl`.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["CONNECTOME_KERNEL_HISTORY"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        let dataHome: URL
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            dataHome = URL(fileURLWithPath: xdg)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            dataHome = URL(fileURLWithPath: home).appendingPathComponent(".local/share")
        }
        return dataHome.appendingPathComponent("connectome-kernel/history.jsonl")
    }

    /// Records one cell of this session.
    public func append(line: Int, input: String, output: String?) {
        current.withLock { $0.append(HistoryEntry(session: session, line: line, input: input, output: output)) }
        writeLine([
            "session": .int(Int64(session)), "line": .int(Int64(line)), "input": .string(input),
            "output": output.map(JSONValue.string) ?? .null,
        ])
    }

    /// Answers a `history_request`, oldest first.
    public func query(_ request: HistoryRequest) -> [HistoryEntry] {
        let all = allEntries()
        switch request.accessType {
        case .tail:
            guard let n = request.n else { return all }
            return Array(all.suffix(max(n, 0)))
        case .range:
            let wanted = request.session > 0 ? request.session : session + request.session
            let stop = request.stop ?? Int.max
            return all.filter { $0.session == wanted && $0.line >= request.start && $0.line < stop }
        case .search:
            var matches = all.filter { fnmatch(request.pattern, $0.input, 0) == 0 }
            if request.unique {
                var seen = Set<String>()
                matches = matches.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n = request.n { matches = Array(matches.suffix(max(n, 0))) }
            return matches
        }
    }

    /// Earlier sessions from the file, then this session from memory.
    private func allEntries() -> [HistoryEntry] {
        var entries: [HistoryEntry] = []
        if let fileURL, let text = try? String(contentsOf: fileURL, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                guard let entry = Self.entry(Substring(line)), entry.session != session else { continue }
                entries.append(entry)
            }
            entries.sort { ($0.session, $0.line) < ($1.session, $1.line) }
        }
        return entries + current.withLock { $0 }
    }

    private func writeLine(_ object: JSONValue) {
        guard descriptor >= 0 else { return }
        var bytes = object.serialized()
        bytes.append(UInt8(ascii: "\n"))
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written != bytes.count {
            logger.warning("history file \(fileURL?.path ?? "") write failed (\(String(cString: strerror(errno))))")
        }
    }

    private static func entry(_ line: Substring) -> HistoryEntry? {
        guard let value = try? JSONValue.parse(String(line)),
              let session = value["session"]?.intValue, let number = value["line"]?.intValue,
              let input = value["input"]?.stringValue
        else { return nil }
        return HistoryEntry(session: session, line: number, input: input, output: value["output"]?.stringValue)
    }

    /// The highest session number in the last 64 KiB of the file, so startup stays fast however long it grows.
    private static func lastSession(in url: URL) -> Int? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let window: UInt64 = 64 * 1024
        let start = size > window ? size - window : 0
        try? handle.seek(toOffset: start)
        guard let data = try? handle.readToEnd() else { return nil }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        if start > 0, !lines.isEmpty { lines.removeFirst() }
        return lines.compactMap { line in (try? JSONValue.parse(String(line)))?["session"]?.intValue }.max()
    }
}
