import ConnectomeCore
import Foundation
import Synchronization

/// The kernel's mutable state behind the commands: the current dataset, the open volumes and
/// the caches. Cells run one at a time, but completion and inspection can look at it from another
/// thread, so it is guarded.
final class KernelState: Sendable {
    let environment: KernelEnvironment
    let chunkCache: ChunkCache
    let infoCache: InfoCache
    /// The most memory one cell may hold while it builds an image (`cache budget=`).
    let memoryBudget = MemoryBudget()
    /// Tokens set in this kernel (`token`), by host; shared by `decode` and the CAVE commands.
    let tokens = TokenStore()
    /// The CAVE datastack of the current dataset, and the ID-update cache.
    let cave = CaveState()
    /// Seatable account tokens set in this kernel and the annotation tables read from Seatable.
    let seatable = SeatableState()
    private let storage: Mutex<Storage>
    /// The neuron source of the last dataset asked (see `neuronSource()`).
    let neuronSources = Mutex<(DatasetDescription, any NeuronSource)?>(nil)
    /// The `graphene://` segmentations opened, by CAVE server and URL (see `graphene(url:)`).
    let grapheneSegmentations = Mutex<[String: GrapheneSegmentation]>([:])

    struct Storage {
        var dataset: DatasetDescription
        var volumes: [String: PrecomputedVolume] = [:]
        /// The CATMAID project `catmaid` connected to, and the stack `stack` chose as image source.
        var catmaid: CatmaidConnection?
        var useStack = false
    }

    init(environment: KernelEnvironment) {
        self.environment = environment
        self.chunkCache = ChunkCache(capacityBytes: environment.chunkCacheBytes)
        self.infoCache = InfoCache()
        self.storage = Mutex(Storage(dataset: .sample(directory: environment.sampleDirectory)))
    }

    /// Setting the dataset also makes it the image source again (after `stack`).
    var dataset: DatasetDescription {
        get { storage.withLock { $0.dataset } }
        set { storage.withLock { $0.dataset = newValue; $0.useStack = false } }
    }

    var catmaid: CatmaidConnection? {
        get { storage.withLock { $0.catmaid } }
        set { storage.withLock { $0.catmaid = newValue } }
    }

    /// The CATMAID stack `slice` and `info` read from, when `stack` chose one since the last `dataset`.
    var currentStack: CatmaidConnection? {
        storage.withLock { $0.useStack && $0.catmaid?.stack != nil ? $0.catmaid : nil }
    }

    func useStack(_ connection: CatmaidConnection) {
        storage.withLock { $0.catmaid = connection; $0.useStack = true }
    }

    /// Layer names of the current dataset, for completion and errors.
    var layerNames: [String] {
        let dataset = self.dataset
        return dataset.imageLayers.map(\.name) + (dataset.segmentationURL == nil ? [] : ["segmentation"])
    }

    /// The source URL of a layer of the current dataset (nil name = the first image layer).
    func layerURL(_ name: String?) throws -> (name: String, url: String) {
        let dataset = self.dataset
        if let name, name == "segmentation" {
            guard let url = dataset.segmentationURL else {
                throw ConnectomeError.argument("the dataset '\(dataset.name)' has no segmentation layer",
                                               hint: "Open one with dataset segmentation=\"precomputed://…\"")
            }
            return (name, url)
        }
        if let name {
            guard let layer = dataset.imageLayers.first(where: { $0.name == name }) else {
                let known = layerNames.map { "'\($0)'" }.joined(separator: ", ")
                throw ConnectomeError.argument("the dataset '\(dataset.name)' has no layer '\(name)'",
                                               hint: "Its layers are \(known)")
            }
            return (layer.name, layer.url)
        }
        guard let first = dataset.imageLayers.first else {
            throw ConnectomeError.argument("the dataset '\(dataset.name)' has no image layer",
                                           hint: "Open one with dataset image=\"precomputed://…\"")
        }
        return (first.name, first.url)
    }

    /// Opens (once) the precomputed volume at `url`, writing the sample dataset first if it is one of its
    /// layers (its image layer only as far as it is read).
    func volume(url: String, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> PrecomputedVolume {
        if let open = storage.withLock({ $0.volumes[url] }) { return open }
        let sample = environment.sampleDirectory
        if url == DatasetDescription.sample(directory: sample).imageLayers.first?.url, !SampleData.isPresent(in: sample) {
            // The layer `slice` reads first: written slab by slab as it is read (see `SampleImageStore`).
            try SampleData.ensureImageInfo(in: sample)
            let files = try openStore(url: url, transport: nil)
            let volume = try await PrecomputedVolume.open(store: SampleImageStore(files: files, directory: sample),
                                                          cache: chunkCache, infoCache: infoCache)
            storage.withLock { $0.volumes[url] = volume }
            return volume
        }
        if url.hasPrefix("precomputed://file://" + sample) {
            try await SampleData.ensureInterruptibly(in: sample, progress: progress)
        }
        if GrapheneSource.isGraphene(url) {
            // The watershed (supervoxel) volume its chunked graph names; roots come from `graphene(url:)`.
            return try await graphene(url: url).watershed
        }
        let volume = try await PrecomputedVolume.open(url: url, transport: environment.transport,
                                                      cache: chunkCache, infoCache: infoCache)
        storage.withLock { $0.volumes[url] = volume }
        return volume
    }

    /// Forgets open volumes (after `cache clear`, so `info` files are read again).
    func forgetVolumes() {
        storage.withLock { $0.volumes.removeAll() }
        grapheneSegmentations.withLock { $0.removeAll() }
    }
}
