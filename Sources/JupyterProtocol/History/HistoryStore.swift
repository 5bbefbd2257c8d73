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
/// Every kernel process is a new session. Its number comes from a counter file beside the history
/// (`history.jsonl.session`), read and raised under an exclusive `flock`, so kernels started side by
/// side never share a number, however long the last entry of the file is; a session-start line is
/// then appended. Each entry is one `write(2)` on an `O_APPEND` descriptor, under a shared lock,
/// so kernels interleave whole lines. Past `HistoryLimits.compactAboveBytes` the file is rewritten
/// to its newest lines under the exclusive lock; every kernel notices the new file and reopens it.
/// Queries read the file backwards from its end and stop once they have their answer. The current
/// session is also kept in memory, so history works even when the file cannot be written.
public final class HistoryStore: Sendable {
    public let session: Int
    public let fileURL: URL?
    public let limits: HistoryLimits
    private let current = Mutex<[HistoryEntry]>([])
    /// The history file open for appending; replaced after another kernel compacts the file.
    private let descriptor = Mutex<Int32>(-1)
    /// The counter file, also the lock every writer takes (`-1`: no locking possible).
    private let lockDescriptor: Int32
    private let logger: Logger

    /// `fileURL` nil keeps history in memory only (one session).
    public init(fileURL: URL?, logger: Logger, limits: HistoryLimits = .standard) {
        self.fileURL = fileURL
        self.logger = logger
        self.limits = limits
        guard let fileURL else {
            session = 1
            lockDescriptor = -1
            return
        }
        try? FileManager.default.createDirectory(
            at: fileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        lockDescriptor = open(Self.counterPath(for: fileURL), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        let lock = lockDescriptor
        if lock >= 0 { Self.flockRetrying(lock, LOCK_EX) }
        let last = max(Self.readCounter(lock) ?? 0, Self.lastSession(in: fileURL) ?? 0)
        session = last == Int.max ? 1 : last + 1
        if lock >= 0 { Self.writeCounter(lock, session) }
        let appender = Self.openForAppending(fileURL)
        descriptor.withLock { $0 = appender }
        if appender < 0 {
            logger.warning("history file \(fileURL.path) cannot be opened for appending (\(String(cString: strerror(errno)))); history will not outlive this kernel")
        } else {
            writeLine(["session": .int(Int64(session)), "start": .string(Timestamp.now())], locked: true)
        }
        if lock >= 0 { Self.flockRetrying(lock, LOCK_UN) }
        if lock < 0 {
            logger.warning("history counter \(Self.counterPath(for: fileURL)) cannot be opened; kernels started together may share a session number")
        }
    }

    deinit {
        let appender = descriptor.withLock { $0 }
        if appender >= 0 { close(appender) }
        if lockDescriptor >= 0 { close(lockDescriptor) }
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

    /// The session counter and lock file that goes with a history file.
    public static func counterPath(for fileURL: URL) -> String { fileURL.path + ".session" }

    // MARK: - Writing

    /// Records one cell of this session, its output cut to `limits.outputBytes`.
    public func append(line: Int, input: String, output: String?) {
        let output = output.map(limits.bounded(output:))
        current.withLock { $0.append(HistoryEntry(session: session, line: line, input: input, output: output)) }
        guard input.utf8.count <= limits.inputBytes else {
            logger.info("history: input of cell \(line) is \(input.utf8.count) bytes, over \(limits.inputBytes); kept for this session only")
            return
        }
        let size = writeLine([
            "session": .int(Int64(session)), "line": .int(Int64(line)), "input": .string(input),
            "output": output.map(JSONValue.string) ?? .null,
        ], locked: false)
        if let size, size > limits.compactAboveBytes { compact() }
    }

    /// Appends one line; returns the file's size after it, or nil when nothing was written.
    /// `locked`: the caller already holds the exclusive lock.
    @discardableResult
    private func writeLine(_ object: JSONValue, locked: Bool) -> Int? {
        guard let fileURL else { return nil }
        if !locked, lockDescriptor >= 0 { Self.flockRetrying(lockDescriptor, LOCK_SH) }
        defer { if !locked, lockDescriptor >= 0 { Self.flockRetrying(lockDescriptor, LOCK_UN) } }
        return descriptor.withLock { fd -> Int? in
            fd = Self.reopenIfReplaced(fd, fileURL)
            guard fd >= 0 else { return nil }
            var bytes = object.serialized()
            bytes.append(UInt8(ascii: "\n"))
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written != bytes.count {
                logger.warning("history file \(fileURL.path) write failed (\(String(cString: strerror(errno))))")
            }
            var status = stat()
            return fstat(fd, &status) == 0 ? Int(status.st_size) : nil
        }
    }

    /// Rewrites the file to its newest `limits.compactedBytes` (whole lines), under the exclusive lock.
    /// Kernels appending meanwhile wait on the lock, then find the new file and reopen it.
    func compact() {
        guard let fileURL, lockDescriptor >= 0 else { return }
        Self.flockRetrying(lockDescriptor, LOCK_EX)
        defer { Self.flockRetrying(lockDescriptor, LOCK_UN) }
        let path = fileURL.path
        let source = open(path, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { return }
        defer { close(source) }
        var status = stat()
        guard fstat(source, &status) == 0, Int(status.st_size) > limits.compactAboveBytes else { return }
        // The newest lines that fit, gathered backwards, then written oldest first.
        var kept: [Data] = []
        var total = 0
        ReverseLineReader(descriptor: source).forEachLine { line in
            guard total + line.count + 1 <= limits.compactedBytes else { return false }
            kept.append(line)
            total += line.count + 1
            return true
        }
        var text = Data(capacity: total)
        for line in kept.reversed() {
            text.append(line)
            text.append(UInt8(ascii: "\n"))
        }
        let temporary = path + ".compacting-\(getpid())"
        do {
            try text.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                logger.warning("history file \(path) could not be compacted (\(String(cString: strerror(errno))))")
                unlink(temporary)
                return
            }
            chmod(path, 0o600)
        } catch {
            logger.warning("history file \(path) could not be compacted: \(error)")
            unlink(temporary)
            return
        }
        descriptor.withLock { fd in fd = Self.reopenIfReplaced(fd, fileURL) }
        logger.info("history file \(path) compacted from \(status.st_size) to \(total) bytes")
    }

    // MARK: - Queries

    /// Answers a `history_request`, oldest first.
    public func query(_ request: HistoryRequest) -> [HistoryEntry] {
        let mine = current.withLock { $0 }
        switch request.accessType {
        case .tail:
            let wanted = request.n.map { max($0, 0) }
            var newestFirst: [HistoryEntry] = []
            for entry in mine.reversed() {
                if let wanted, newestFirst.count >= wanted { break }
                newestFirst.append(entry)
            }
            if wanted.map({ newestFirst.count < $0 }) ?? true {
                forEachStoredLine { line in
                    if case .entry(let entry) = line { newestFirst.append(entry) }
                    return wanted.map { newestFirst.count < $0 } ?? true
                }
            }
            return newestFirst.reversed()
        case .range:
            let wanted = request.session > 0 ? request.session : session + request.session
            let stop = request.stop ?? Int.max
            func inRange(_ entry: HistoryEntry) -> Bool {
                entry.session == wanted && entry.line >= request.start && entry.line < stop
            }
            if wanted == session { return mine.filter(inRange) }
            guard wanted > 0 else { return [] }
            var found: [HistoryEntry] = []
            forEachStoredLine { line in
                switch line {
                case .entry(let entry):
                    if inRange(entry) { found.append(entry) }
                    return true
                case .start(let started):
                    return started != wanted  // nothing of a session comes before its start line
                }
            }
            return found.sorted { $0.line < $1.line }
        case .search:
            let wanted = request.n.map { max($0, 0) }
            var seen = Set<String>()
            var newestFirst: [HistoryEntry] = []
            func consider(_ entry: HistoryEntry) -> Bool {
                if let wanted, newestFirst.count >= wanted { return false }
                guard fnmatch(request.pattern, entry.input, 0) == 0 else { return true }
                if request.unique, !seen.insert(entry.input).inserted { return true }
                newestFirst.append(entry)
                return wanted.map { newestFirst.count < $0 } ?? true
            }
            var going = true
            for entry in mine.reversed() where going { going = consider(entry) }
            if going {
                forEachStoredLine { line in
                    guard case .entry(let entry) = line else { return true }
                    return consider(entry)
                }
            }
            return newestFirst.reversed()
        }
    }

    /// A parsed line of the file.
    enum StoredLine {
        case entry(HistoryEntry)
        case start(session: Int)
    }

    /// Lines of other sessions, newest first, until `body` returns false.
    private func forEachStoredLine(_ body: (StoredLine) -> Bool) {
        guard let fileURL else { return }
        let fd = open(fileURL.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        ReverseLineReader(descriptor: fd).forEachLine { bytes in
            guard let line = Self.parse(bytes) else { return true }
            if case .entry(let entry) = line, entry.session == session { return true }
            return body(line)
        }
    }

    static func parse(_ bytes: Data) -> StoredLine? {
        guard let value = try? JSONValue.parse(bytes), let session = value["session"]?.intValue else { return nil }
        if value["start"] != nil, value["line"] == nil { return .start(session: session) }
        guard let number = value["line"]?.intValue, let input = value["input"]?.stringValue else { return nil }
        return .entry(HistoryEntry(session: session, line: number, input: input, output: value["output"]?.stringValue))
    }

    // MARK: - Sessions and files

    /// The session of the newest session-start line (entries of older sessions may follow it when
    /// kernels run side by side); used when the counter file is missing or behind.
    static func lastSession(in url: URL) -> Int? {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var highest: Int?
        ReverseLineReader(descriptor: fd).forEachLine { bytes in
            switch parse(bytes) {
            case .start(let session)?:
                highest = max(highest ?? session, session)
                return false
            case .entry(let entry)?:
                highest = max(highest ?? entry.session, entry.session)
                return true
            case nil:
                return true
            }
        }
        return highest
    }

    private static func readCounter(_ fd: Int32) -> Int? {
        guard fd >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 32, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    private static func writeCounter(_ fd: Int32, _ value: Int) {
        let bytes = Array("\(value)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static func openForAppending(_ url: URL) -> Int32 {
        open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    }

    /// `fd` if it is still the file at `url`, else a descriptor of the file now there (after a compaction).
    private static func reopenIfReplaced(_ fd: Int32, _ url: URL) -> Int32 {
        var open = stat(), onDisk = stat()
        if fd >= 0, fstat(fd, &open) == 0, stat(url.path, &onDisk) == 0,
           open.st_ino == onDisk.st_ino, open.st_dev == onDisk.st_dev {
            return fd
        }
        if fd >= 0 { close(fd) }
        return openForAppending(url)
    }

    private static func flockRetrying(_ fd: Int32, _ operation: Int32) {
        while flock(fd, operation) != 0, errno == EINTR {}
    }
}
