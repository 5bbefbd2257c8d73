/// What the kernel knows about a dataset: where its volumes live and how to show them.
///
/// Slices read `imageLayers` / `segmentationURL`; scenes add the mesh, nuclei and merge-biased
/// sources and the viewer; ID validation uses `nodeIDLayers` / `layerBits`. Presets are values of
/// this type (`sample`, `crant`); `dataset image=... segmentation=...` builds one from URLs.
public struct DatasetDescription: Sendable, Equatable {
    /// Preset name (`sample`, `crant`) or `custom`.
    public var name: String
    /// Image layers by layer name, in the order they are listed; the first is the default for `slice`.
    /// Values are source URLs as neuroglancer writes them (`precomputed://gs://…`, `precomputed://file:///…`).
    public var imageLayers: [(name: String, url: String)]
    /// The segmentation source (`precomputed://…` or `graphene://…`), if any.
    public var segmentationURL: String?
    /// Optional extra sources shown in scenes.
    public var brainMeshURL: String?
    public var nucleiURL: String?
    public var mergeBiasedURL: String?
    /// Voxel size of mip 0 in nanometres (x, y, z): neuroglancer's `dimensions`, position units.
    public var voxelSize: [Double]
    /// The viewer a scene link opens in (Spelunker for CAVE datasets).
    public var viewerBase: String
    /// CAVE chunked-graph shape of node IDs: `n_layers` and `n_bits_for_layer_id`; nil when unknown.
    public var nodeIDLayers: Int?
    public var layerBits: Int
    /// The neuron (annotation) table, the synapse or connection table (CSV, TSV or Arrow files, by
    /// URL) and the precomputed skeleton source that `neurons`, `partners` and `skeleton` read.
    public var neuronsURL: String?
    public var synapsesURL: String?
    public var skeletonsURL: String?
    /// The Seatable table holding the annotations when `neuronsURL` gives none (CRANT's `CRANTb_meta`).
    public var annotationTable: SeatableTable?

    public init(name: String, imageLayers: [(name: String, url: String)], segmentationURL: String? = nil,
                brainMeshURL: String? = nil, nucleiURL: String? = nil, mergeBiasedURL: String? = nil,
                voxelSize: [Double], viewerBase: String = DatasetDescription.spelunker,
                nodeIDLayers: Int? = nil, layerBits: Int = 8,
                neuronsURL: String? = nil, synapsesURL: String? = nil, skeletonsURL: String? = nil,
                annotationTable: SeatableTable? = nil) {
        self.name = name
        self.imageLayers = imageLayers
        self.segmentationURL = segmentationURL
        self.brainMeshURL = brainMeshURL
        self.nucleiURL = nucleiURL
        self.mergeBiasedURL = mergeBiasedURL
        self.voxelSize = voxelSize
        self.viewerBase = viewerBase
        self.nodeIDLayers = nodeIDLayers
        self.layerBits = layerBits
        self.neuronsURL = neuronsURL
        self.synapsesURL = synapsesURL
        self.skeletonsURL = skeletonsURL
        self.annotationTable = annotationTable
    }

    public static let spelunker = "https://spelunker.cave-explorer.org/"
    public static let neuroglancerDemo = "https://neuroglancer-demo.appspot.com/"

    public static func == (lhs: DatasetDescription, rhs: DatasetDescription) -> Bool {
        lhs.name == rhs.name && lhs.imageLayers.map(\.name) == rhs.imageLayers.map(\.name)
            && lhs.imageLayers.map(\.url) == rhs.imageLayers.map(\.url) && lhs.segmentationURL == rhs.segmentationURL
            && lhs.brainMeshURL == rhs.brainMeshURL && lhs.nucleiURL == rhs.nucleiURL
            && lhs.mergeBiasedURL == rhs.mergeBiasedURL && lhs.voxelSize == rhs.voxelSize
            && lhs.viewerBase == rhs.viewerBase && lhs.nodeIDLayers == rhs.nodeIDLayers && lhs.layerBits == rhs.layerBits
            && lhs.neuronsURL == rhs.neuronsURL && lhs.synapsesURL == rhs.synapsesURL && lhs.skeletonsURL == rhs.skeletonsURL
            && lhs.annotationTable == rhs.annotationTable
    }
}

extension DatasetDescription {
    /// The bundled offline dataset written by `connectome-kernel sample` into `directory` (see `SampleLayout`)
    /// (`image/` jpeg, `image_raw/` raw, `segmentation/` compressed_segmentation, uint64 IDs of an
    /// 8-layer graph), with its connectome: `neurons.csv`, `synapses.csv` and skeletons under the
    /// segmentation layer.
    public static func sample(directory: String) -> DatasetDescription {
        let base = "precomputed://file://" + directory
        return DatasetDescription(
            name: "sample",
            imageLayers: [(SampleLayout.imageLayer, base + "/" + SampleLayout.imageLayer),
                          (SampleLayout.rawImageLayer, base + "/" + SampleLayout.rawImageLayer)],
            segmentationURL: base + "/" + SampleLayout.segmentationLayer,
            voxelSize: [8, 8, 42],
            viewerBase: neuroglancerDemo,
            nodeIDLayers: 8,
            layerBits: 8,
            neuronsURL: "file://" + directory + "/" + SampleLayout.neuronsFile,
            synapsesURL: "file://" + directory + "/" + SampleLayout.synapsesFile,
            skeletonsURL: base + "/" + SampleLayout.segmentationLayer + "/" + SampleLayout.skeletonDirectory)
    }

    /// The public CRANT (clonal raider ant) configuration, as crantpy's `latest` dataset, with the
    /// extra sources of its scene template (crantpy `utils/ngl_scenes.json`): the tissue mesh, the
    /// merge-biased segmentation and the nuclei; its annotations are in Seatable.
    public static let crant = DatasetDescription(
        name: "crant",
        imageLayers: [("image", "precomputed://gs://dkronauer-ant-001-alignment-final/aligned")],
        segmentationURL: "graphene://middleauth+https://data.proofreading.zetta.ai/segmentation/table/kronauer_ant_x1",
        brainMeshURL: "precomputed://gs://dkronauer-ant-001-alignment-final/tissue_mesh/mesh#type=mesh",
        nucleiURL: "precomputed://gs://dkronauer-ant-001-segmentations-prod/nucleus/240910-nucleus",
        mergeBiasedURL: "precomputed://gs://dkronauer-ant-001-segmentations-prod/ng/seg/240904-finetune-v3.2-0.21-size-1x",
        voxelSize: [8, 8, 42],
        viewerBase: spelunker,
        nodeIDLayers: 8,
        layerBits: 8,
        annotationTable: .crant)
}
