import ConnectomeCore

/// The neurons of the current dataset: one source per dataset, so its tables are read once.
extension KernelState {
    /// The source behind `neurons`, `synapses`, `partners` and `skeleton` for the current dataset.
    func neuronSource() -> any NeuronSource {
        let dataset = self.dataset
        return neuronSources.withLock { sources in
            if let (key, source) = sources, key == dataset { return source }
            let source = makeNeuronSource(for: dataset)
            sources = (dataset, source)
            return source
        }
    }

    private func makeNeuronSource(for dataset: DatasetDescription) -> any NeuronSource {
        let environment = self.environment
        let sample = environment.sampleDirectory
        let cache = chunkCache
        /// Sample files are written on first use, like its volumes.
        @Sendable func ensureSample(_ url: String) throws {
            if url.contains("file://" + sample + "/") { try SampleData.ensure(in: sample) }
        }
        let local = LocalNeuronSource(
            annotations: dataset.neuronsURL, synapses: dataset.synapsesURL, skeletons: dataset.skeletonsURL,
            loadTable: { url in
                try ensureSample(url)
                return try await TableFile.read(url: url, transport: environment.transport)
            },
            openSkeletons: { url in
                try ensureSample(url)
                return try await SkeletonSource.open(url: url, transport: environment.transport, cache: cache)
            })
        // CRANT's annotations come from its Seatable table, a CAVE datastack's skeletons from its skeleton
        // service, unless the user gave files for them.
        var annotations: (@Sendable () async throws -> DataTable)?
        var annotationOrigin = dataset.neuronsURL
        if dataset.neuronsURL != nil {
            annotations = { @Sendable in try await local.annotations() }
        } else if let table = dataset.annotationTable {
            let seatable = self.seatable
            annotations = { @Sendable in try await seatable.annotations(table, environment: environment).read() }
            annotationOrigin = table.description
        }
        let target = cave.target.withLock { $0?.datasetName == dataset.name ? $0 : nil }
        var skeleton: (@Sendable (SegmentID) async throws -> Skeleton)?
        var skeletonOrigin = dataset.skeletonsURL
        if dataset.skeletonsURL != nil {
            skeleton = { @Sendable id in try await local.skeleton(id) }
        } else if let target {
            skeleton = { @Sendable [weak self] id in
                guard let self else { throw CancellationError() }
                return try await CaveCommands.skeletonService(self).skeleton(id)
            }
            skeletonOrigin = "the CAVE skeleton service of \(target.datastack), else its skeleton_source"
        }
        // A CAVE datastack's synapses come from its materialization service, unless the user gave a table.
        guard dataset.synapsesURL == nil, let target else {
            guard dataset.neuronsURL == nil, let annotations, let annotationOrigin else { return local }
            return CompositeNeuronSource(base: local, annotations: .init(origin: annotationOrigin) { _ in try await annotations() })
        }
        let voxelSize = dataset.voxelSize
        return CaveNeuronSource(
            datastack: target.datastack,
            connect: { [weak self] in
                guard let self else { throw CancellationError() }
                let (materialization, info) = try await CaveCommands.materialization(self, command: "synapses")
                return CaveNeuronSource.Connection(materialization: materialization, synapseTable: info.synapseTable,
                                                   viewerResolution: info.viewerResolution ?? voxelSize)
            },
            annotations: annotations, annotationOrigin: annotationOrigin,
            skeleton: skeleton, skeletonOrigin: skeletonOrigin)
    }

    /// `clear_cache=true`: the current dataset's annotation table is read again on next use.
    func clearAnnotationCache() {
        let dataset = self.dataset
        if dataset.neuronsURL == nil, let table = dataset.annotationTable {
            if let reader = try? seatable.annotations(table, environment: environment) { reader.clearCache() }
        } else {
            neuronSources.withLock { $0 = nil }
        }
    }
}
