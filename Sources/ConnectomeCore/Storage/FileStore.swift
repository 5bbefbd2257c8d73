import Foundation
import ImageCodecs

/// A store over a local directory tree (`file://` URLs), as CloudVolume writes it.
///
/// CloudVolume's `file://` writer stores chunks as `<name>.gz` by default, so a missing `<name>`
/// falls back to `<name>.gz`, gunzipped.
public struct FileStore: KeyValueStore {
    public let baseURL: String
    /// The absolute directory the keys are relative to.
    public let directory: String

    /// Opens `file:///absolute/path`, `file://relative/path` (relative to the working directory,
    /// as CloudVolume does), `file://~/path`, or a plain path.
    public init(url: String) throws(ConnectomeError) {
        var path = url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : url
        path = path.removingPercentEncoding ?? path
        if path.hasPrefix("~") {
            path = NSString(string: path).expandingTildeInPath
        }
        if !path.hasPrefix("/") {
            path = FileManager.default.currentDirectoryPath + "/" + path
        }
        guard !path.isEmpty else {
            throw ConnectomeError.argument("file URL '\(url)' names no directory", hint: "write it as file:///absolute/path")
        }
        self.init(directory: path)
    }

    public init(directory: String) {
        let segments = (try? StorePath.resolve(base: directory, key: "", storeURL: directory)) ?? []
        self.directory = "/" + segments.joined(separator: "/")
        self.baseURL = "file://" + self.directory
    }

    /// The file path `key` names (resolving `..`).
    public func path(for key: String) throws(ConnectomeError) -> String {
        "/" + (try StorePath.resolve(base: directory, key: key, storeURL: baseURL)).joined(separator: "/")
    }

    public func read(_ key: String, range: Range<Int>?) async throws -> Data? {
        let path = try path(for: key)
        if let data = try Self.readFile(path, range: range) { return data }
        guard let compressed = try Self.readFile(path + ".gz", range: nil) else { return nil }
        do {
            // A range needs only its prefix; a whole object may inflate to at most the object limit.
            guard let range else { return try Gzip.decompress(compressed, maximumBytes: DataLimits.maxObjectBytes) }
            let data = try Gzip.decompress(compressed, prefix: max(0, range.upperBound))
            return data.subdata(in: clamp(range, to: data.count))
        } catch where error.exceededLimit != nil {
            throw ConnectomeError.data(
                "\(path).gz (read for key '\(key)') inflates to more than \(DataLimits.describe(bytes: DataLimits.maxObjectBytes)), the most the kernel reads as one object",
                hint: "the file is damaged or is not a chunk (a decompression bomb looks like this)")
        } catch {
            throw ConnectomeError.data("\(path).gz (read for key '\(key)') is not valid gzip: \(error.message)",
                                       hint: "re-write the object, or delete the .gz file if it is a stray")
        }
    }

    /// Reads a whole file or a byte range of it with `pread`; nil when it does not exist.
    static func readFile(_ path: String, range: Range<Int>?) throws(ConnectomeError) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw fileError(path, code, doing: "open")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw fileError(path, errno, doing: "stat") }
        if (info.st_mode & S_IFMT) == S_IFDIR { return nil }
        let size = Int(info.st_size)
        let wanted = range.map { clamp($0, to: size) } ?? 0..<size
        guard !wanted.isEmpty else { return Data() }
        guard wanted.count <= DataLimits.maxObjectBytes else {
            throw ConnectomeError.data(
                "\(path) is \(size) bytes; reading \(wanted.count) of them is more than the \(DataLimits.describe(bytes: DataLimits.maxObjectBytes)) the kernel reads as one object",
                hint: "the path may name the wrong file (a whole archive or shard), or the index that gave the range is damaged")
        }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: wanted.count, alignment: 16)
        LargeMemory.adviseHugePages(UnsafeMutableRawBufferPointer(start: buffer, count: wanted.count))
        var done = 0
        while done < wanted.count {
            let got = pread(descriptor, buffer + done, wanted.count - done, off_t(wanted.lowerBound + done))
            if got < 0 {
                if errno == EINTR { continue }
                let code = errno
                buffer.deallocate()
                throw fileError(path, code, doing: "read")
            }
            if got == 0 { break }  // the file shrank while reading
            done += got
        }
        return Data(bytesNoCopy: buffer, count: done, deallocator: .custom { pointer, _ in pointer.deallocate() })
    }

    private static func fileError(_ path: String, _ code: Int32, doing: String) -> ConnectomeError {
        let reason = String(cString: strerror(code))
        if code == EACCES || code == EPERM {
            return .auth("cannot \(doing) \(path): \(reason)", hint: "check the file's permissions")
        }
        return .data("cannot \(doing) \(path): \(reason)")
    }
}

/// `range` cut to `0..<count`; ranges starting past the end become empty.
func clamp(_ range: Range<Int>, to count: Int) -> Range<Int> {
    let lower = min(max(0, range.lowerBound), count)
    return lower..<min(max(lower, range.upperBound), count)
}
