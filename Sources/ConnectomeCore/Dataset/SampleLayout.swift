/// Where things are inside the sample folder: the read side's half of the sample.
///
/// `DatasetDescription.sample` and the kernel need these names to open the sample; the writer
/// (`ConnectomeSample`) needs them to put the files there. They live here, in the read-side
/// library, so that reading the sample never needs the generator.
public enum SampleLayout {
    /// The precomputed layers: JPEG image, the same image raw, compressed_segmentation labels.
    public static let imageLayer = "image"
    public static let rawImageLayer = "image_raw"
    public static let segmentationLayer = "segmentation"
    /// Where the skeletons live inside the segmentation layer (its info's `skeletons`).
    public static let skeletonDirectory = "skeletons"
    public static let neuronsFile = "neurons.csv"
    public static let synapsesFile = "synapses.csv"
    /// The sample EM as a CATMAID project (`catmaid sample` opens it).
    public static let catmaidDirectory = "catmaid"
}
