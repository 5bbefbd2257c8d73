import Synchronization

/// A neuron source whose annotations or skeletons come from a service rather than from the files
/// of `base`: CRANT's Seatable table, a CAVE datastack's skeleton service.
///
/// What is not replaced is `base`'s (the dataset's own tables and skeleton source, if any).
public final class CompositeNeuronSource: NeuronSource {
    /// A replacement part: where it reads from (for `info`) and the read.
    public struct Part<Input: Sendable, Output: Sendable>: Sendable {
        public var origin: String
        public var read: @Sendable (Input) async throws -> Output

        public init(origin: String, read: @escaping @Sendable (Input) async throws -> Output) {
            self.origin = origin
            self.read = read
        }
    }

    public let base: any NeuronSource
    let annotationPart: Part<Void, DataTable>?
    let skeletonPart: Part<SegmentID, Skeleton>?
    private let columns = Mutex<[String]>([])

    public init(base: any NeuronSource, annotations: Part<Void, DataTable>? = nil, skeletons: Part<SegmentID, Skeleton>? = nil) {
        self.base = base
        self.annotationPart = annotations
        self.skeletonPart = skeletons
    }

    public var annotationOrigin: String? { annotationPart?.origin ?? base.annotationOrigin }
    public var synapseOrigin: String? { base.synapseOrigin }
    public var skeletonOrigin: String? { skeletonPart?.origin ?? base.skeletonOrigin }

    public func annotations() async throws -> DataTable {
        guard let annotationPart else { return try await base.annotations() }
        let table = try await annotationPart.read(())
        columns.withLock { $0 = table.columnNames }
        return table
    }

    public func synapses(_ selection: SynapseSelection) async throws -> SynapseTable { try await base.synapses(selection) }

    public func skeleton(_ id: SegmentID) async throws -> Skeleton {
        guard let skeletonPart else { return try await base.skeleton(id) }
        return try await skeletonPart.read(id)
    }

    public var knownAnnotationColumns: [String] {
        annotationPart == nil ? base.knownAnnotationColumns : columns.withLock { $0 }
    }
}
