import Foundation
import JSONModel
import Synchronization

/// A root's skeleton from CAVE's skeleton service, else from the datastack's precomputed skeleton source.
///
/// The service lives at the datastack's local server (`{local}/skeletoncache/api/v1/{datastack}`).
/// Its versions are asked once (`/skeletoncache/api/versions`); the client takes version 4, as
/// CAVEclient does, or the newest the service offers, and asks
/// `async/get_skeleton/{version}/{root}/flatdict` (which waits while the service skeletonises,
/// falling back to the synchronous `precomputed/skeleton/…` route on a service without it). Without
/// a skeleton service (404 on its versions), or when it cannot make this skeleton, the datastack's
/// `skeleton_source` is read instead when the info service names one. Fetched skeletons are cached
/// for 2 hours (`SkeletonCache`).
public final class SkeletonServiceClient: Sendable {
    public let client: CaveClient
    public let datastack: CaveDatastack
    public let cache: SkeletonCache
    /// Opens a precomputed skeleton source by URL (the fallback); the kernel's stores and cache.
    let openSource: @Sendable (String) async throws -> SkeletonSource
    /// The service's versions once asked; `[]` = no skeleton service.
    private let versions = Mutex<[Int]?>(nil)
    private let source = Mutex<SkeletonSource?>(nil)

    /// The version CAVEclient asks by default (radius and compartment per vertex, level-2 IDs).
    public static let preferredVersion = 4
    /// Bytes of one skeleton answer (gzip JSON): 512 MiB.
    public static let maxAnswerBytes = 512 << 20

    public init(client: CaveClient, datastack: CaveDatastack, cache: SkeletonCache,
                openSource: @escaping @Sendable (String) async throws -> SkeletonSource) {
        self.client = client
        self.datastack = datastack
        self.cache = cache
        self.openSource = openSource
    }

    /// `{local}/skeletoncache/api/v1/{datastack}`.
    var serviceBase: String {
        datastack.localServer + "/skeletoncache/api/v1/" + (datastack.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? datastack.name)
    }

    /// Where `skeleton` reads from, for `info` and messages.
    public var origin: String {
        "CAVE skeleton service at \(datastack.localServer)" + (datastack.skeletonSource.map { ", else \($0)" } ?? "")
    }

    /// The skeleton of root `id`.
    public func skeleton(_ id: SegmentID) async throws -> Skeleton {
        if let cached = cache.lookup(id, source: serviceBase) { return cached }
        var serviceError: (any Error)?
        if let version = try await version() {
            do {
                let skeleton = try await fetch(id, version: version)
                cache.store(skeleton, id: id, source: serviceBase)
                return skeleton
            } catch let error as ConnectomeError where error.kind != .auth && datastack.skeletonSource != nil {
                serviceError = error
            }
        }
        guard let url = datastack.skeletonSource else {
            throw ConnectomeError.argument("datastack \(datastack.name) has no skeleton service at \(datastack.localServer) and names no skeleton_source",
                                           hint: "Give a precomputed skeleton source with dataset skeletons=\"precomputed://…\"")
        }
        do {
            return try await precomputed(url).skeleton(id)
        } catch {
            throw serviceError ?? error
        }
    }

    /// The version to ask, or nil when the datastack has no skeleton service.
    func version() async throws -> Int? {
        if let known = versions.withLock({ $0 }) { return Self.choose(known) }
        let url = datastack.localServer + "/skeletoncache/api/versions"
        var offered: [Int] = []
        if let body = try await client.getIfPresent(url, what: "the skeleton service's versions", maxBytes: 1 << 16) {
            guard let list = (try? JSONValue.parse(body))?.arrayValue, list.count <= 100 else {
                throw ConnectomeError.data("the skeleton service's versions at \(url) are not a list of integers")
            }
            offered = list.compactMap { $0.intValue }.filter { (-1...100).contains($0) }
        }
        versions.withLock { $0 = offered }
        return Self.choose(offered)
    }

    /// Version 4 when offered, else the newest real version (−1 means "latest" and 0 is 2 again).
    public static func choose(_ offered: [Int]) -> Int? {
        if offered.contains(preferredVersion) { return preferredVersion }
        return offered.filter { $0 >= 1 }.max()
    }

    func fetch(_ id: SegmentID, version: Int) async throws -> Skeleton {
        let what = "the skeleton of \(id)"
        let asynchronous = "\(serviceBase)/async/get_skeleton/\(version)/\(id.rawValue)/flatdict?verbose_level=0"
        // A service older than asynchronous skeletonisation (CAVEclient: before 0.13.7) has only the synchronous route.
        let synchronous = "\(serviceBase)/precomputed/skeleton/\(version)/\(id.rawValue)/flatdict"
        var answer = try await client.getIfPresent(asynchronous, what: what, maxBytes: Self.maxAnswerBytes)
        if answer == nil { answer = try await client.getIfPresent(synchronous, what: what, maxBytes: Self.maxAnswerBytes) }
        guard let body = answer else {
            throw ConnectomeError.argument("the skeleton service at \(datastack.localServer) has no skeleton route for version \(version) (404)",
                                           hint: "Check the ID (a root ID of \(datastack.name)), or give skeletons with dataset skeletons=\"precomputed://…\"")
        }
        return try FlatDictSkeleton.decode(body, id: id, source: "skeleton \(id) from \(datastack.localServer)")
    }

    func precomputed(_ url: String) async throws -> SkeletonSource {
        if let open = source.withLock({ $0 }) { return open }
        let opened = try await openSource(url)
        source.withLock { $0 = opened }
        return opened
    }
}
