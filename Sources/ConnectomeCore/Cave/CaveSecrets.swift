import Foundation
import JSONModel
import Synchronization

/// CAVE tokens on disk, where CAVEclient and cloud-volume keep them, so that a token saved by one
/// is found by the other.
///
/// The directory is `$CLOUD_VOLUME_DIR/secrets` (cloud-volume's override), else
/// `$HOME/.cloudvolume/secrets`. A server's token is in `<netloc>-cave-secret.json` (CAVEclient's
/// name: host and port), then `cave-secret.json`, the file CAVEclient falls back to for any server;
/// each is a JSON object whose `token` key holds the token. Saving writes the server's file and
/// `cave-secret.json` with mode 0600 (other keys in them are kept), as CAVEclient's `save_token` does.
public struct CaveSecrets: Sendable, Equatable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The directory of the kernel's environment: `$CLOUD_VOLUME_DIR/secrets`, else `$HOME/.cloudvolume/secrets`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> CaveSecrets {
        if let root = environment["CLOUD_VOLUME_DIR"], !root.isEmpty { return CaveSecrets(directory: root + "/secrets") }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return CaveSecrets(directory: home + "/.cloudvolume/secrets")
    }

    /// The shared file CAVEclient reads for any server without its own file.
    public static let sharedFile = "cave-secret.json"

    /// `<netloc>-cave-secret.json` for the server at `url` (host and port, as CAVEclient names it).
    public static func serverFile(for url: String) -> String? {
        guard let netloc = netloc(of: url) else { return nil }
        return netloc + "-cave-secret.json"
    }

    /// The files that may hold the token of the server at `url`, in the order they are read.
    public func candidates(for url: String, shared: Bool) -> [String] {
        var names: [String] = []
        if let file = Self.serverFile(for: url) { names.append(file) }
        if let host = CredentialScope.host(of: url), !names.contains(host + "-cave-secret.json") {
            names.append(host + "-cave-secret.json")
        }
        if shared { names.append(Self.sharedFile) }
        return names.map { directory + "/" + $0 }
    }

    /// The token for the server at `url` and the file it came from; nil when no file holds one.
    /// `shared` false skips `cave-secret.json` (a token for any server is only used for the
    /// servers a user named, see `CaveCredentials`). A file that exists but is not a token file is an error.
    public func token(for url: String, shared: Bool) throws(ConnectomeError) -> (token: String, file: String)? {
        for path in candidates(for: url, shared: shared) {
            if let token = try Self.read(path) { return (token, path) }
        }
        return nil
    }

    /// Saves `token` for the servers at `urls` and in `cave-secret.json`; returns the files written.
    @discardableResult
    public func save(_ token: String, for urls: [String]) throws(ConnectomeError) -> [String] {
        try Self.validate(token, source: "the token")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConnectomeError.argument("cannot create \(directory) for the CAVE token: \(error.localizedDescription)",
                                           hint: "Check that the home directory is writable, or set CLOUD_VOLUME_DIR")
        }
        var names: [String] = []
        for url in urls {
            if let file = Self.serverFile(for: url), !names.contains(file) { names.append(file) }
        }
        names.append(Self.sharedFile)
        var written: [String] = []
        for name in names {
            let path = directory + "/" + name
            try Self.writeToken(token, to: path)
            written.append(path)
        }
        return written
    }

    // MARK: - Files

    /// The `token` of the file at `path`; nil when the file does not exist or has no `token` key.
    static func read(_ path: String) throws(ConnectomeError) -> String? {
        guard let stamp = FileStamp(path) else { return nil }
        if let known = known.withLock({ $0[path] }), known.stamp == stamp { return known.token }
        let token = try readFile(path)
        known.withLock { $0[path] = (stamp, token) }
        return token
    }

    /// What each token file held when it was last read, by path, with the file's identity then. A
    /// request reads a file again only when it changed (another `token`, CAVEclient's `save_token`,
    /// an edit): opening and parsing it for every request was 4–5 % of a 100,000-ID `roots` cell.
    /// A file that could not be read is not remembered, so its error comes again each time.
    private static let known = Mutex<[String: (stamp: FileStamp, token: String?)]>([:])

    /// A file's identity and version as `stat` gives them: device, inode, size, modification and
    /// status-change times (a rename into place, a rewrite, a chmod all change one of them).
    struct FileStamp: Equatable, Sendable {
        let device: UInt64, inode: UInt64, size: Int64
        let modified: Int64, modifiedNanoseconds: Int64, changed: Int64, changedNanoseconds: Int64

        /// Nil when nothing is at `path` (as `FileManager.fileExists` would say).
        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
            changed = Int64(info.st_ctim.tv_sec)
            changedNanoseconds = Int64(info.st_ctim.tv_nsec)
        }
    }

    private static func readFile(_ path: String) throws(ConnectomeError) -> String? {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: CaveLimits.maxSecretFileBytes + 1) ?? Data()
        } catch {
            throw ConnectomeError.argument("cannot read the CAVE token file \(path): \(error.localizedDescription)",
                                           hint: "Check its permissions, or save the token again with: token")
        }
        guard data.count <= CaveLimits.maxSecretFileBytes else {
            throw ConnectomeError.outOfRange(path, field: "the file size", value: "more than \(CaveLimits.maxSecretFileBytes) bytes",
                                             allowed: "a token file is a small JSON object",
                                             hint: "Save the token again with: token")
        }
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw ConnectomeError.data("the CAVE token file \(path) is not JSON (\(error))",
                                       hint: "It should hold {\"token\": \"...\"}; save the token again with: token")
        }
        guard let object = json.objectValue else {
            throw ConnectomeError.data("the CAVE token file \(path) is not a JSON object",
                                       hint: "It should hold {\"token\": \"...\"}; save the token again with: token")
        }
        guard let value = object["token"] else { return nil }
        guard let token = value.stringValue else {
            throw ConnectomeError.data("the CAVE token file \(path): token is not a string",
                                       hint: "Save the token again with: token")
        }
        try validate(token, source: "the token in \(path)")
        return token
    }

    /// Writes `token` under the key `token`, keeping the file's other keys, through a 0600 temporary file renamed into place.
    static func writeToken(_ token: String, to path: String) throws(ConnectomeError) {
        var object: [String: JSONValue] = [:]
        if FileManager.default.fileExists(atPath: path),
           let data = FileManager.default.contents(atPath: path), data.count <= CaveLimits.maxSecretFileBytes,
           let existing = try? JSONValue.parse(data).objectValue {
            object = existing
        }
        object["token"] = .string(token)
        let bytes = JSONValue.object(object).serialized(sortedKeys: true)
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw ConnectomeError.argument("cannot write the CAVE token file \(path) (\(String(cString: strerror(errno))))",
                                           hint: "Check that \(URL(fileURLWithPath: path).deletingLastPathComponent().path) is writable")
        }
        let complete = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress, raw.count) == raw.count }
        fchmod(fd, 0o600)
        close(fd)
        guard complete, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ConnectomeError.argument("cannot write the CAVE token file \(path) (\(String(cString: strerror(errno))))",
                                           hint: "Check the free space and permissions of its folder")
        }
        chmod(path, 0o600)
    }

    /// A token becomes a header value, so it must be one line of visible ASCII (no header injection).
    public static func validate(_ token: String, source: String) throws(ConnectomeError) {
        guard !token.isEmpty else {
            throw ConnectomeError.argument("\(source) is empty", hint: "Paste the token from your CAVE account")
        }
        guard token.utf8.count <= CaveLimits.maxTokenBytes else {
            throw ConnectomeError.argument("\(source) is \(token.utf8.count) bytes long; a CAVE token is at most \(CaveLimits.maxTokenBytes)",
                                           hint: "Paste only the token itself")
        }
        guard token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ConnectomeError.argument("\(source) holds spaces, line breaks or characters outside visible ASCII, which no CAVE token has",
                                           hint: "Paste only the token itself")
        }
    }

    /// `host[:port]` of `url`, lower case: CAVEclient's `urlparse(server).netloc` (without user info, which is refused).
    static func netloc(of url: String) -> String? {
        guard let host = CredentialScope.host(of: url), let schemeEnd = url.range(of: "://") else { return nil }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") else {
            return host.contains(":") ? "[\(host)]" : host
        }
        let port = authority[authority.index(after: colon)...]
        guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return host }
        return (host.contains(":") ? "[\(host)]" : host) + ":" + port
    }
}
