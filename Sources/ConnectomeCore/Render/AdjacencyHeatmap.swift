import ImageCodecs

/// An adjacency matrix as a picture: one square cell per (source, target) pair, white for no
/// synapses and darker blue for more, on a square-root scale so that a few strong pairs do not
/// wash out the many weak ones.
///
/// Cells are at least 1 and at most 24 pixels, so a 10 × 10 matrix is readable and a 2,000 × 2,000
/// one still fits in 2,000 pixels; IDs are not drawn (the table beside the picture has them).
public enum AdjacencyHeatmap {
    /// The largest image side in pixels (past it, cells are 1 pixel and only the first rows and columns are drawn).
    public static let maximumSide = 2_048

    public static func render(_ matrix: AdjacencyMatrix) -> PixelImage {
        let rows = max(matrix.sources.count, 1), columns = max(matrix.targets.count, 1)
        let cell = max(1, min(24, 512 / max(rows, columns)))
        let grid = cell >= 6 ? 1 : 0
        let width = min(columns * cell, maximumSide), height = min(rows * cell, maximumSide)
        var image = PixelImage(width: width, height: height, format: .rgb8)
        let peak = Double(max(matrix.maximum, 1)).squareRoot()
        // One colour per matrix cell, then its pixels: the square root is taken once per cell.
        let shownRows = min(matrix.sources.count, (height + cell - 1) / cell)
        let shownColumns = min(matrix.targets.count, (width + cell - 1) / cell)
        image.pixels.withUnsafeMutableBufferPointer { pixels in
            pixels.update(repeating: 255)
            matrix.counts.withUnsafeBufferPointer { counts in
                for row in 0..<shownRows {
                    for column in 0..<shownColumns {
                        let count = counts[row * matrix.targets.count + column]
                        guard count > 0 else { continue }
                        // From a pale blue for one synapse to a deep blue at the maximum.
                        let t = min(1, Double(count).squareRoot() / peak)
                        let colour = (UInt8(222 - 214 * t), UInt8(235 - 187 * t), UInt8(247 - 140 * t))
                        for y in (row * cell)..<min(height, (row + 1) * cell) {
                            for x in (column * cell)..<min(width, (column + 1) * cell) {
                                let offset = (y * width + x) * 3
                                pixels[offset] = colour.0
                                pixels[offset + 1] = colour.1
                                pixels[offset + 2] = colour.2
                            }
                        }
                    }
                }
            }
            // The grid: the last pixel row and column of every cell, over the colours.
            guard grid > 0 else { return }
            for y in 0..<height {
                for x in 0..<width where x % cell == cell - 1 || y % cell == cell - 1 {
                    let offset = (y * width + x) * 3
                    pixels[offset] = 225
                    pixels[offset + 1] = 225
                    pixels[offset + 2] = 225
                }
            }
        }
        return image
    }
}
