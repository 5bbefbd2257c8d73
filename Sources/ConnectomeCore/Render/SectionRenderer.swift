import ImageCodecs

/// Turns voxel sections into display images: grey EM, coloured segmentation, and the two overlaid.
///
/// Pure functions on memory, no I/O, so that `slice` and the benchmarks share one renderer and the
/// tests need no server. Each call allocates its output and at most a lookup table, never per pixel.
public enum SectionRenderer {
    /// Grey (1 channel), RGB (3) or RGBA (4) 8-bit pixels of an image section under `options`.
    ///
    /// uint8 data with the default options comes back byte for byte as stored.
    public static func gray(_ section: VoxelSection, options: GrayOptions = GrayOptions()) throws(ConnectomeError) -> PixelImage {
        let format = try grayFormat(section)
        let window = try window(for: section, contrast: options.contrast)
        if section.dataType == .uint8, window == GrayWindow(low: 0, high: 255), !options.invert {
            return makeImage(section.width, section.height, format, section.data)
        }
        return makeImage(section.width, section.height, format, mapToLevels(section, window: window, invert: options.invert))
    }

    /// An RGB image of segment colours; ID 0 and IDs not selected are black.
    public static func segmentation(_ section: VoxelSection,
                                    style: SegmentationStyle = SegmentationStyle()) throws(ConnectomeError) -> PixelImage {
        try checkSegmentation(section, style: style)
        let pixels = colorize(section, under: nil, style: style)
        return makeImage(section.width, section.height, .rgb8, pixels)
    }

    /// An RGB image of `image` in grey (under `gray`) with `segmentation` coloured over it at `style.alpha`.
    public static func overlay(_ image: VoxelSection, _ segmentation: VoxelSection, gray: GrayOptions = GrayOptions(),
                               style: SegmentationStyle = SegmentationStyle()) throws(ConnectomeError) -> PixelImage {
        guard image.channels == 1 else {
            throw ConnectomeError.argument(
                "an overlay needs a one-channel image under the segmentation, but the image has \(image.channels) channels",
                hint: "Show the image and the segmentation side by side instead")
        }
        return try overlay(gray: self.gray(image, options: gray), segmentation, style: style)
    }

    /// An RGB image of an already rendered grey image with `segmentation` coloured over it.
    public static func overlay(gray: PixelImage, _ segmentation: VoxelSection,
                               style: SegmentationStyle = SegmentationStyle()) throws(ConnectomeError) -> PixelImage {
        guard gray.format == .gray8 else {
            throw ConnectomeError.argument("an overlay is drawn over a gray8 image, not \(gray.format)")
        }
        guard gray.width == segmentation.width, gray.height == segmentation.height else {
            throw ConnectomeError.argument(
                "the image section is \(gray.width) × \(gray.height) but the segmentation section is \(segmentation.width) × \(segmentation.height)",
                hint: "Read both layers over the same region and mip (their resolutions must match)")
        }
        try checkSegmentation(segmentation, style: style)
        let pixels = colorize(segmentation, under: gray.pixels, style: style)
        return makeImage(gray.width, gray.height, .rgb8, pixels)
    }

    private static func grayFormat(_ section: VoxelSection) throws(ConnectomeError) -> PixelFormat {
        switch section.channels {
        case 1: return .gray8
        case 3: return .rgb8
        case 4: return .rgba8
        default:
            throw ConnectomeError.unsupported(
                "a section with \(section.channels) channels cannot be shown as grey, RGB or RGBA",
                hint: "Images of 1, 3 or 4 channels can be shown")
        }
    }

    private static func checkSegmentation(_ section: VoxelSection, style: SegmentationStyle) throws(ConnectomeError) {
        guard section.channels == 1 else {
            throw ConnectomeError.unsupported("a segmentation section must have one channel, this one has \(section.channels)")
        }
        guard section.dataType != .float32 else {
            throw ConnectomeError.unsupported(
                "float32 voxels are not segment IDs",
                hint: "Show a float32 layer as an image; segmentations hold integer IDs")
        }
        guard style.alpha >= 0, style.alpha <= 1 else {
            throw ConnectomeError.argument("alpha must be between 0 and 1, not \(style.alpha)",
                                           hint: "0 hides the segmentation, 1 hides the EM under it; 0.35 is the default")
        }
    }

    /// Wraps pixels whose count the caller computed from the same size and format.
    static func makeImage(_ width: Int, _ height: Int, _ format: PixelFormat, _ pixels: [UInt8]) -> PixelImage {
        do {
            return try PixelImage(width: width, height: height, format: format, pixels: pixels)
        } catch {
            preconditionFailure("renderer built \(pixels.count) bytes for a \(width) × \(height) \(format) image")
        }
    }
}
