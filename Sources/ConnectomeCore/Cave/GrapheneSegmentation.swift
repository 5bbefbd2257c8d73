import Foundation

/// A `graphene://` segmentation opened for reading: the watershed volume, whose voxels are
/// supervoxel IDs, and the chunked graph that says which root each supervoxel belongs to at a time.
///
/// The chunked graph's `info` is asked with the CAVE token (it is on the CAVE host); the watershed's
/// chunks are read from `data_dir` without it, as any public precomputed volume.
public struct GrapheneSegmentation: Sendable {
    public let source: GrapheneSource
    public let info: GrapheneInfo
    public let watershed: PrecomputedVolume
    public let graph: ChunkedGraphClient

    public init(source: GrapheneSource, info: GrapheneInfo, watershed: PrecomputedVolume, graph: ChunkedGraphClient) {
        self.source = source
        self.info = info
        self.watershed = watershed
        self.graph = graph
    }

    /// Reads the chunked graph's `info` through `client` and opens the watershed it names.
    public static func open(_ source: GrapheneSource, client: CaveClient, transport: (any HTTPTransport)?,
                            cache: ChunkCache?) async throws -> GrapheneSegmentation {
        let body = try await client.get(source.infoURL, what: "the chunked graph's info", maxBytes: CaveLimits.maxInfoBytes)
        let info = try GrapheneInfo.decode(body, source: source.infoURL)
        // No authorization: the CAVE token stays with the CAVE host.
        let store = try openStore(url: info.dataDirectory, transport: transport)
        let watershed = PrecomputedVolume(store: store, info: info.watershed, cache: cache)
        let graph = ChunkedGraphClient(client: client, localServer: source.server, table: source.table)
        return GrapheneSegmentation(source: source, info: info, watershed: watershed, graph: graph)
    }

    /// The supervoxels at mip-0 `points` and their roots at `time`, with one roots call for the
    /// distinct supervoxels (0 — outside the volume or a missing chunk — is not asked and stays 0).
    public func roots(at points: [(Int, Int, Int)], time: Date) async throws -> (supervoxels: [SegmentID], roots: [SegmentID]) {
        let supervoxels = try await watershed.readValues(mip: 0, points: points).map(SegmentID.init(rawValue:))
        return (supervoxels, try await graph.roots(supervoxels, at: time))
    }

    /// `section` (supervoxel IDs) with each supervoxel replaced by its root at `time`: one roots call
    /// (in batches of `CaveLimits.rootsBatch`) for the distinct non-zero supervoxels of the section.
    public func rootSection(_ section: VoxelSection, time: Date) async throws -> RootSection {
        let supervoxels = Self.distinctLabels(section)
        let roots = try await graph.roots(supervoxels, at: time)
        var mapping: [UInt64: UInt64] = [0: 0]
        mapping.reserveCapacity(supervoxels.count + 1)
        for (sv, root) in zip(supervoxels, roots) { mapping[sv.rawValue] = root.rawValue }
        try Task.checkCancellation()
        let relabelled = Self.relabel(section, mapping)
        let distinctRoots = Set(roots.filter { $0.rawValue != 0 }).count
        return RootSection(section: relabelled, supervoxels: supervoxels.count, roots: distinctRoots,
                           unresolved: roots.filter { $0.rawValue == 0 }.count)
    }

    /// The distinct non-zero labels of a one-channel label section, in order of first appearance.
    static func distinctLabels(_ section: VoxelSection) -> [SegmentID] {
        var seen = Set<UInt64>()
        var order: [SegmentID] = []
        var previous: UInt64 = 0
        for row in 0..<section.height {
            for column in 0..<section.width {
                let value = section.value(column: column, row: row)
                if value == previous { continue }
                previous = value
                if value != 0, seen.insert(value).inserted { order.append(SegmentID(rawValue: value)) }
            }
        }
        return order
    }

    /// A uint64 section with every label mapped (labels missing from `mapping` become 0).
    static func relabel(_ section: VoxelSection, _ mapping: [UInt64: UInt64]) -> VoxelSection {
        var data = [UInt8](repeating: 0, count: section.width * section.height * 8)
        var previous: (label: UInt64, root: UInt64) = (0, 0)
        data.withUnsafeMutableBytes { out in
            for row in 0..<section.height {
                for column in 0..<section.width {
                    let label = section.value(column: column, row: row)
                    if label != previous.label { previous = (label, mapping[label] ?? 0) }
                    out.storeBytes(of: previous.root.littleEndian, toByteOffset: (row * section.width + column) * 8, as: UInt64.self)
                }
            }
        }
        return VoxelSection(x: section.x, y: section.y, z: section.z, dataType: .uint64, channels: 1, data: data)
    }
}

/// A section coloured by root: the relabelled voxels and what the roots call found.
public struct RootSection: Sendable {
    public var section: VoxelSection
    /// Distinct non-zero supervoxels in the section (the IDs sent).
    public var supervoxels: Int
    /// Distinct roots they belong to.
    public var roots: Int
    /// Supervoxels the graph does not know at that time (root 0, shown as background).
    public var unresolved: Int
}
