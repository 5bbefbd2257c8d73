import CommandLanguage
import ConnectomeCore
import ImageCodecs

/// Voxels to pixels for `slice`: the slice options translated into the section renderer's.
enum SliceRendering {
    /// Renders and colours off the cooperative pool, so an interrupt returns at once however large the section.
    static func render(em: VoxelSection?, labels: VoxelSection?, options: SliceDisplayOptions) async throws -> PixelImage {
        try await BlockingWork.run { _ in try renderNow(em: em, labels: labels, options: options) }
    }

    static func renderNow(em: VoxelSection?, labels: VoxelSection?, options: SliceDisplayOptions) throws -> PixelImage {
        let style = SegmentationStyle(alpha: options.alpha, segments: options.segments)
        switch (em, labels) {
        case let (em?, labels?):
            return try SectionRenderer.overlay(em, labels, gray: grayOptions(options), style: style)
        case let (em?, nil):
            return try SectionRenderer.gray(em, options: grayOptions(options))
        case let (nil, labels?):
            return try SectionRenderer.segmentation(labels, style: style)
        case (nil, nil):
            preconditionFailure("slice reads at least one layer")
        }
    }

    private static func grayOptions(_ options: SliceDisplayOptions) -> GrayOptions {
        let contrast: Contrast
        if let window = options.window {
            contrast = .window(low: window.low, high: window.high)
        } else if options.contrast == "auto" {
            contrast = .auto
        } else {
            contrast = .standard
        }
        return GrayOptions(contrast: contrast, invert: options.invert)
    }
}
