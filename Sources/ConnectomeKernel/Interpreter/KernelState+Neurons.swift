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
        var annotations: CompositeNeuronSource.Part<Void, DataTable>?
        if dataset.neuronsURL == nil, let table = dataset.annotationTable {
            let seatable = self.seatable
            annotations = .init(origin: table.description) { _ in try await seatable.annotations(table, environment: environment).read() }
        }
        var skeletons: CompositeNeuronSource.Part<SegmentID, Skeleton>?
        if dataset.skeletonsURL == nil, let server = cave.target.withLock({ $0?.datasetName == dataset.name ? $0?.server : nil }) {
            skeletons = .init(origin: "the CAVE skeleton service of \(server)") { [weak self] id in
                guard let self else { throw CancellationError() }
                return try await CaveCommands.skeletonService(self).skeleton(id)
            }
        }
        guard annotations != nil || skeletons != nil else { return local }
        return CompositeNeuronSource(base: local, annotations: annotations, skeletons: skeletons)
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
