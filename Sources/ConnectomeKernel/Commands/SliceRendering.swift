import CommandLanguage
import ConnectomeCore
import ImageCodecs

/// Voxels to pixels for `slice`.
enum SliceRendering {
    static func render(em: VoxelSection?, labels: VoxelSection?, options: SliceDisplayOptions,
                       invocation: Invocation) throws -> PixelImage {
        guard let em, em.dataType == .uint8, em.channels == 1, labels == nil else {
            throw ConnectomeError.unsupported("this section needs the section renderer")
        }
        var image = PixelImage(width: em.width, height: em.height, format: .gray8)
        image.pixels = em.data
        return image
    }
}
