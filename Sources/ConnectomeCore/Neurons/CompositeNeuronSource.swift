import Synchronization

/// A neuron source whose annotation table comes from a service rather than from `base`'s files:
/// CRANT's Seatable table when the dataset's synapses are the user's own file rather than CAVE's.
///
/// Synapses and skeletons are `base`'s.
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
    let annotationPart: Part<Void, DataTable>
    private let columns = Mutex<[String]>([])

    public init(base: any NeuronSource, annotations: Part<Void, DataTable>) {
        self.base = base
        self.annotationPart = annotations
    }

    public var annotationOrigin: String? { annotationPart.origin }
    public var synapseOrigin: String? { base.synapseOrigin }
    public var skeletonOrigin: String? { base.skeletonOrigin }

    public func annotations() async throws -> DataTable {
        let table = try await annotationPart.read(())
        columns.withLock { $0 = table.columnNames }
        return table
    }

    public func synapses(_ selection: SynapseSelection) async throws -> SynapseTable { try await base.synapses(selection) }

    public func skeleton(_ id: SegmentID) async throws -> Skeleton { try await base.skeleton(id) }

    public var knownAnnotationColumns: [String] { columns.withLock { $0 } }
}
