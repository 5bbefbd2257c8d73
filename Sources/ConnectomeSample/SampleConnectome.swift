import ConnectomeCore
import Foundation

/// The sample's connectome, consistent with its segmentation: a neuron table, a synapse table and a
/// precomputed skeleton per neuron (see `SampleNeurons`, `SampleSynapses`, `SampleSkeletons`).
///
/// Files, beside the layers: `neurons.csv` (CRANT's annotation fields), `synapses.csv` (CAVE's
/// synapse columns) and `segmentation/skeletons/` (`info` + one file per root ID, vertices in nm,
/// `radius` float32, edges (child, parent) so readers find the root at the soma). Built from mip 0
/// in one parallel pass over the labels; the same volume gives the same bytes on every run.
public struct SampleConnectome: Sendable {
    public static let skeletonDirectory = SampleLayout.skeletonDirectory
    public static let neuronsFile = SampleLayout.neuronsFile
    public static let synapsesFile = SampleLayout.synapsesFile
    /// Identity transform (vertices already in nm) and a radius per vertex.
    public static let skeletonInfo = SkeletonInfo(transform: SkeletonInfo.identity, vertexAttributes: [SkeletonInfo.radius])

    let volume: SampleVolume
    let sections: SampleSections
    let neurons: SampleNeurons
    let synapses: SampleSynapses
    let smallCellCount: Int

    public init(_ volume: SampleVolume) {
        precondition(volume.isWhole, "the connectome is drawn through every section, not a slab (\(volume.sections))")
        self.volume = volume
        sections = SampleSections(volume)
        smallCellCount = CellField(width: volume.size[0], height: volume.size[1], depth: volume.size[2]).small.count
        neurons = SampleNeurons(volume: volume, sections: sections, smallCellCount: smallCellCount)
        synapses = SampleSynapses(volume: volume, sections: sections, neurons: neurons)
    }

    public var neuronCount: Int { neurons.neurons.count }
    public var synapseCount: Int { synapses.synapses.count }
    /// Root IDs of the neurons, in table order.
    public var rootIDs: [SegmentID] { neurons.neurons.map { SegmentID($0.rootID) } }

    /// The skeleton of neuron `index` (table order).
    public func skeleton(neuron index: Int) throws -> Skeleton {
        let neuron = neurons.neurons[index]
        return try SampleSkeletons.skeleton(for: neuron, volume: volume, sections: sections, large: neuron.cell >= smallCellCount)
    }

    /// The neuron table as CSV.
    public func neuronsCSV() throws -> Data { try SampleTable.csv(header: SampleNeurons.fields, rows: neurons.neurons.map(\.row)) }

    /// The synapse table as CSV.
    public func synapsesCSV() throws -> Data {
        try SampleTable.csv(header: SampleSynapses.fields, rows: synapses.rows(volume: volume, neurons: neurons))
    }

    /// Writes the tables into `directory` and the skeletons into `directory/segmentation/skeletons`
    /// (the segmentation's info must name `skeletonDirectory`; `SampleDataset` does). `stop` is asked
    /// before each skeleton; when it answers true the writing ends with `CancellationError`.
    public func write(to directory: String, stop: (@Sendable () -> Bool)? = nil) throws {
        try SampleDataset.write(neuronsCSV(), to: directory + "/" + Self.neuronsFile)
        try SampleDataset.write(synapsesCSV(), to: directory + "/" + Self.synapsesFile)
        let skeletons = directory + "/segmentation/" + Self.skeletonDirectory
        try SampleDataset.createDirectory(skeletons, FileManager.default)
        try SampleDataset.write(Self.skeletonInfo.json.serialized(sortedKeys: true, pretty: true), to: skeletons + "/info")
        let failure = LockedBox<ConnectomeError?>(nil)
        let count = neurons.neurons.count
        DispatchQueue.concurrentPerform(iterations: count) { index in
            if let stop, stop() { return }
            do {
                let skeleton = try self.skeleton(neuron: index)
                let bytes = try PrecomputedSkeleton.encode(skeleton, info: Self.skeletonInfo)
                try SampleDataset.write(bytes, to: skeletons + "/" + String(neurons.neurons[index].rootID))
            } catch {
                let wrapped = error as? ConnectomeError ?? ConnectomeError.data("cannot write a sample skeleton: \(error)")
                failure.update { if $0 == nil { $0 = wrapped } }
            }
        }
        if let stop, stop() { throw CancellationError() }
        if let error = failure.value { throw error }
    }
}
