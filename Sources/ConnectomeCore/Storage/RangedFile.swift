import Foundation

/// A local file open for reads of byte ranges into memory the caller owns (`pread`), so that a
/// large file can be read a piece at a time into one buffer that is used again.
///
/// Reading a 487 MB Feather file whole put every byte into fresh pages (faulted in and cleared by
/// the kernel, then copied into) only to decompress them once; a record batch at a time, the same
/// few megabytes stay in cache.
public final class RangedFile: @unchecked Sendable {
    public let path: String
    /// The size when opened.
    public let size: Int
    private let descriptor: Int32

    /// Opens `path` for reading; nil when there is no such file (or it is a directory).
    public init?(path: String) throws(ConnectomeError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw Self.error(path, code, doing: "open")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw Self.error(path, code, doing: "stat")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return nil
        }
        self.path = path
        self.size = Int(info.st_size)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Fills all of `target` with the file's bytes from `offset`; a range past the end (the file
    /// shrank, or the caller's offsets came from a damaged index) is an error naming it.
    public func read(at offset: Int, into target: UnsafeMutableRawBufferPointer) throws(ConnectomeError) {
        guard offset >= 0, target.count <= size, offset <= size - target.count else {
            throw ConnectomeError.data("\(path): bytes \(offset)..<\(offset &+ target.count) lie outside the file's \(size) bytes")
        }
        guard let base = target.baseAddress else { return }
        var done = 0
        while done < target.count {
            let got = pread(descriptor, base + done, target.count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw Self.error(path, errno, doing: "read")
            }
            if got == 0 {
                throw ConnectomeError.data("\(path) ends at byte \(offset + done) while bytes up to \(offset + target.count) were read; it shrank while being read")
            }
            done += got
        }
    }

    private static func error(_ path: String, _ code: Int32, doing: String) -> ConnectomeError {
        let reason = String(cString: strerror(code))
        if code == EACCES || code == EPERM {
            return .auth("cannot \(doing) \(path): \(reason)", hint: "check the file's permissions")
        }
        return .data("cannot \(doing) \(path): \(reason)")
    }
}
