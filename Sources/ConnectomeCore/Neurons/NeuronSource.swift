/// The synapses a query needs, so that a remote source can ask for just those.
public enum SynapseSelection: Sendable, Equatable {
    /// Synapses from any of these neurons (they are `pre`).
    case from([SegmentID])
    /// Synapses onto any of these neurons (they are `post`).
    case onto([SegmentID])
    /// Synapses from or onto any of these neurons.
    case touching([SegmentID])
    /// Synapses from any of `pre` onto any of `post`.
    case between(pre: [SegmentID], post: [SegmentID])

    /// Every ID the selection names (`pre` then `post` for `between`).
    public var ids: [SegmentID] {
        switch self {
        case .from(let ids), .onto(let ids), .touching(let ids): ids
        case .between(let pre, let post): pre + post
        }
    }

    /// The same selection with each ID replaced (e.g. by its current root).
    public func mapIDs(_ transform: (SegmentID) -> SegmentID) -> SynapseSelection {
        switch self {
        case .from(let ids): .from(ids.map(transform))
        case .onto(let ids): .onto(ids.map(transform))
        case .touching(let ids): .touching(ids.map(transform))
        case .between(let pre, let post): .between(pre: pre.map(transform), post: post.map(transform))
        }
    }
}

/// How a remote source reads synapses: which state of the table, in which format, and the
/// smallest size (sent to the server as a filter; the connectivity queries filter again). A local
/// table ignores them.
public struct SynapseQueryOptions: Sendable, Equatable {
    /// nil = the latest valid materialization version.
    public var at: MaterializationPoint?
    public var format: MaterializationFormat
    public var minSize: Double?

    public init(at: MaterializationPoint? = nil, format: MaterializationFormat = .arrow, minSize: Double? = nil) {
        self.at = at
        self.format = format
        self.minSize = minSize
    }
}

/// Where a dataset's neurons come from: its annotation table, its synapses, its skeletons.
///
/// The seam between the neuron commands and their data: the sample and a user's own files
/// (`LocalNeuronSource`) are one implementation, a CAVE datastack with its Seatable table is
/// another. A source may answer a synapse query with more rows than selected (a local table
/// answers with all of them); the connectivity queries filter again.
public protocol NeuronSource: Sendable {
    /// What `info neurons` shows as the origin (a path, a URL, a datastack).
    var annotationOrigin: String? { get }
    var synapseOrigin: String? { get }
    var skeletonOrigin: String? { get }

    /// The annotation table: one row per neuron, crantpy's field names where it has them.
    func annotations() async throws -> DataTable
    /// At least the synapses `selection` asks for.
    func synapses(_ selection: SynapseSelection) async throws -> SynapseTable
    /// The same, read as `options` say (a source without versions or formats ignores them).
    func synapses(_ selection: SynapseSelection, options: SynapseQueryOptions) async throws -> SynapseTable
    /// The skeleton of `id`.
    func skeleton(_ id: SegmentID) async throws -> Skeleton
    /// The annotation table's columns if it has been read (for completion, which must not wait).
    var knownAnnotationColumns: [String] { get }
}

extension NeuronSource {
    public func synapses(_ selection: SynapseSelection, options: SynapseQueryOptions) async throws -> SynapseTable {
        try await synapses(selection)
    }

    /// The error for a query the dataset has no table for, with how to give one.
    static func missing(_ what: String, parameter: String) -> ConnectomeError {
        ConnectomeError.argument("the current dataset has no \(what)",
                                 hint: "give one with dataset \(parameter)=\"file:///path/…\" (CSV, TSV or Arrow/Feather), or switch to dataset sample")
    }
}
