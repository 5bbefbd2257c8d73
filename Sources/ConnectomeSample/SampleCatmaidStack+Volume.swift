import ConnectomeCore
import ImageCodecs

extension SampleCatmaidStack {
    /// Writes the bundled sample EM (`SampleVolume`, mip 0) as a CATMAID project, with the sample's
    /// voxel size (8 × 8 × 42 nm), so that the same tissue can be opened as precomputed or as a stack.
    /// `stop` is asked before each section; when it answers true the writing ends with `CancellationError`.
    public static func write(to directory: String, volume: SampleVolume, format: TileFormat = .jpeg(quality: 90),
                             brokenSections: [Int] = [10, 20, 21], servedAt: String? = nil,
                             stop: (@Sendable () -> Bool)? = nil) throws -> SampleCatmaidStack {
        precondition(volume.isWhole, "the CATMAID stack holds every section, not a slab (\(volume.sections))")
        let (width, height, depth) = (volume.size[0], volume.size[1], volume.size[2])
        let plane = width * height
        let image = volume.images[0]
        return try write(
            to: directory, width: width, height: height, depth: depth,
            sections: { z in
                if let stop, stop() { throw CancellationError() }
                return try PixelImage(width: width, height: height, format: .gray8, pixels: Array(image[(z * plane)..<((z + 1) * plane)]))
            },
            resolution: StackVector(x: SampleVolume.resolution[0], y: SampleVolume.resolution[1], z: SampleVolume.resolution[2]),
            format: format, brokenSections: brokenSections, servedAt: servedAt)
    }
}
