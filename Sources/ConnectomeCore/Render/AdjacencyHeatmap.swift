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
        image.pixels.withUnsafeMutableBufferPointer { pixels in
            for y in 0..<height {
                let row = y / cell
                for x in 0..<width {
                    let column = x / cell
                    let onGrid = grid > 0 && (x % cell == cell - 1 || y % cell == cell - 1)
                    let count = row < matrix.sources.count && column < matrix.targets.count ? matrix[row, column] : 0
                    let colour: (UInt8, UInt8, UInt8)
                    if onGrid {
                        colour = (225, 225, 225)
                    } else if count <= 0 {
                        colour = (255, 255, 255)
                    } else {
                        // From a pale blue for one synapse to a deep blue at the maximum.
                        let t = min(1, Double(count).squareRoot() / peak)
                        colour = (UInt8(222 - 214 * t), UInt8(235 - 187 * t), UInt8(247 - 140 * t))
                    }
                    let offset = (y * width + x) * 3
                    pixels[offset] = colour.0
                    pixels[offset + 1] = colour.1
                    pixels[offset + 2] = colour.2
                }
            }
        }
        return image
    }
}
