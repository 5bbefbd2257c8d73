import ConnectomeCore
import Foundation
import ImageCodecs

/// PNGs of sample sections for a person to look at (`sample --preview DIR`): does the synthetic EM
/// look like tissue, and do the cells and membranes line up with the segmentation?
///
/// Read back through the same volume reader and renderer as `slice`, so what they show is what a
/// notebook shows, not what the generator meant to write.
enum SamplePreview {
    /// Writes `image_z<z>.png`, `segmentation_z<z>.png` and `overlay_z<z>.png` for the first and
    /// the middle section of the sample in `sample` into `folder`; returns the paths written.
    static func write(sample: String, to folder: String) async throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dataset = DatasetDescription.sample(directory: sample)
        guard let imageURL = dataset.imageLayers.first?.url, let segmentationURL = dataset.segmentationURL else {
            throw ConnectomeError.argument("the sample dataset has no image or no segmentation layer to preview")
        }
        let image = try await PrecomputedVolume.open(url: imageURL, transport: nil, cache: nil, infoCache: nil)
        let segmentation = try await PrecomputedVolume.open(url: segmentationURL, transport: nil, cache: nil, infoCache: nil)
        let scale = image.info.scales[0]
        let x = scale.voxelOffset[0]..<(scale.voxelOffset[0] + scale.size[0])
        let y = scale.voxelOffset[1]..<(scale.voxelOffset[1] + scale.size[1])
        var written: [String] = []
        for z in [scale.voxelOffset[2], scale.voxelOffset[2] + scale.size[2] / 2] {
            let gray = try await image.readSection(mip: 0, x: x, y: y, z: z).section
            let labels = try await segmentation.readSection(mip: 0, x: x, y: y, z: z).section
            let pictures = [("image", try SectionRenderer.gray(gray)),
                            ("segmentation", try SectionRenderer.segmentation(labels)),
                            ("overlay", try SectionRenderer.overlay(gray, labels))]
            for (name, picture) in pictures {
                let path = "\(folder)/\(name)_z\(z).png"
                try PNGCodec.encode(picture).write(to: URL(fileURLWithPath: path))
                written.append(path)
            }
        }
        return written
    }
}
