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
        return LocalNeuronSource(
            annotations: dataset.neuronsURL, synapses: dataset.synapsesURL, skeletons: dataset.skeletonsURL,
            loadTable: { url in
                try ensureSample(url)
                return try await TableFile.read(url: url, transport: environment.transport)
            },
            openSkeletons: { url in
                try ensureSample(url)
                return try await SkeletonSource.open(url: url, transport: environment.transport, cache: cache)
            })
    }
}
