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
        // A CAVE datastack's synapses come from its materialization service, unless the user gave a table.
        guard dataset.synapsesURL == nil,
              let target = cave.target.withLock({ $0?.datasetName == dataset.name ? $0 : nil }) else { return local }
        let voxelSize = dataset.voxelSize
        let annotations: (@Sendable () async throws -> DataTable)? = dataset.neuronsURL == nil ? nil : { @Sendable in try await local.annotations() }
        let skeleton: (@Sendable (SegmentID) async throws -> Skeleton)? = dataset.skeletonsURL == nil ? nil : { @Sendable id in try await local.skeleton(id) }
        return CaveNeuronSource(
            datastack: target.datastack,
            connect: { [weak self] in
                guard let self else { throw CancellationError() }
                let (materialization, info) = try await CaveCommands.materialization(self, command: "synapses")
                return CaveNeuronSource.Connection(materialization: materialization, synapseTable: info.synapseTable,
                                                   viewerResolution: info.viewerResolution ?? voxelSize)
            },
            annotations: annotations, annotationOrigin: dataset.neuronsURL,
            skeleton: skeleton, skeletonOrigin: dataset.skeletonsURL)
    }
}
