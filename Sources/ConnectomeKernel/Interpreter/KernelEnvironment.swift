import ConnectomeCore
import Foundation

/// What the interpreter is given from outside: the network and where its files live.
///
/// The executable builds it (with the libcurl transport); tests build it with a canned transport
/// or none, so the interpreter never reaches for a global.
public struct KernelEnvironment: Sendable {
    /// The HTTP transport for `http(s)://`, `gs://` and `s3://` sources; nil = offline only.
    public var transport: (any HTTPTransport)?
    /// Where the bundled sample dataset is (written on first use).
    public var sampleDirectory: String
    /// Bytes of decoded chunks kept in memory.
    public var chunkCacheBytes: Int
    /// Where CAVE tokens are read and saved (`~/.cloudvolume/secrets`, as CAVEclient; tests use a temporary folder).
    public var caveSecrets: CaveSecrets
    /// The Seatable account token of `CRANTTABLE_TOKEN` (crantpy's variable), for CRANT's annotation table.
    public var seatableToken: String?
    /// Told when each cell ends, to give freed heap back after a quiet moment; nil in tests, whose
    /// process is not a kernel's.
    public var idleTrim: IdleTrim?

    public init(transport: (any HTTPTransport)?, sampleDirectory: String, chunkCacheBytes: Int = 512 << 20,
                caveSecrets: CaveSecrets = .standard(), seatableToken: String? = nil, idleTrim: IdleTrim? = nil) {
        self.transport = transport
        self.sampleDirectory = sampleDirectory
        self.chunkCacheBytes = chunkCacheBytes
        self.caveSecrets = caveSecrets
        self.seatableToken = seatableToken
        self.idleTrim = idleTrim
    }

    /// The environment of a kernel started by Jupyter or `eval`.
    public static func standard(transport: (any HTTPTransport)?) -> KernelEnvironment {
        let token = ProcessInfo.processInfo.environment["CRANTTABLE_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        return KernelEnvironment(transport: transport, sampleDirectory: defaultSampleDirectory(),
                                 seatableToken: token?.isEmpty == false ? token : nil, idleTrim: IdleTrim())
    }

    /// `$CONNECTOME_SAMPLE_DIR`, else `$XDG_CACHE_HOME/connectome-kernel/sample-v1`, else `~/.cache/...`.
    /// The version suffix changes whenever the generator's output changes, so an old copy is never reused.
    public static func defaultSampleDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["CONNECTOME_SAMPLE_DIR"], !directory.isEmpty { return directory }
        let cache: String
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            cache = xdg
        } else {
            cache = (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        }
        return cache + "/connectome-kernel/sample-v1"
    }
}
