import Synchronization

/// Neurons from files: the sample's tables, or a user's own CSV / TSV / Arrow exports (FlyWire
/// Codex, neuPrint, a CAVE materialization saved with pandas) and a precomputed skeleton source.
///
/// Each table is read once, on first use, and kept: the next query on a 10-million-row synapse
/// table costs the query, not the read. `dataset neurons=…` makes a new source, which reads again.
public final class LocalNeuronSource: NeuronSource {
    public let annotationOrigin: String?
    public let synapseOrigin: String?
    public let skeletonOrigin: String?
    private let loadTable: @Sendable (String) async throws -> DataTable
    private let openSkeletons: @Sendable (String) async throws -> SkeletonSource
    private let memo = Mutex<Memo>(Memo())

    private struct Memo {
        var annotations: Task<DataTable, any Error>?
        var synapses: Task<SynapseTable, any Error>?
        var skeletons: Task<SkeletonSource, any Error>?
        var annotationColumns: [String] = []
    }

    /// `loadTable` reads a table file by URL (through the kernel's stores), `openSkeletons` a
    /// precomputed skeleton source by URL.
    public init(annotations: String?, synapses: String?, skeletons: String?,
                loadTable: @escaping @Sendable (String) async throws -> DataTable,
                openSkeletons: @escaping @Sendable (String) async throws -> SkeletonSource) {
        self.annotationOrigin = annotations
        self.synapseOrigin = synapses
        self.skeletonOrigin = skeletons
        self.loadTable = loadTable
        self.openSkeletons = openSkeletons
    }

    public func annotations() async throws -> DataTable {
        guard let url = annotationOrigin else { throw Self.missing("neuron table", parameter: "neurons") }
        let load = loadTable
        let table = try await memoized(\.annotations) { try await load(url) }
        memo.withLock { $0.annotationColumns = table.columnNames }
        return table
    }

    public var knownAnnotationColumns: [String] { memo.withLock { $0.annotationColumns } }

    public func synapses(_ selection: SynapseSelection) async throws -> SynapseTable {
        guard let url = synapseOrigin else { throw Self.missing("synapse table", parameter: "synapses") }
        let load = loadTable
        return try await memoized(\.synapses) { try SynapseTable(try await load(url), name: url) }
    }

    public func skeleton(_ id: SegmentID) async throws -> Skeleton {
        guard let url = skeletonOrigin else {
            throw ConnectomeError.argument("the current dataset has no skeleton source",
                                           hint: "give one with dataset skeletons=\"precomputed://…\"")
        }
        let open = openSkeletons
        let source = try await memoized(\.skeletons) { try await open(url) }
        return try await source.skeleton(id)
    }

    /// The value of `slot`, started once; a failed or interrupted read is forgotten so that the next query tries again.
    private func memoized<T: Sendable>(_ slot: WritableKeyPath<Memo, Task<T, any Error>?> & Sendable,
                                       _ make: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = memo.withLock { memo in
            if let task = memo[keyPath: slot] { return task }
            let task = Task { try await make() }
            memo[keyPath: slot] = task
            return task
        }
        do {
            // An interrupt stops the read too (and the next query starts it again).
            return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch {
            memo.withLock { memo in
                if memo[keyPath: slot] == task { memo[keyPath: slot] = nil }
            }
            throw error
        }
    }
}
