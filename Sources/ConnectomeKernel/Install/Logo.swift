import Foundation
import ImageCodecs

/// The kernel's logo, drawn rather than shipped, so the installed kernelspec needs no resource files:
/// a neuron (soma and branching neurites) in white on a rounded teal square, as 8-bit RGBA.
public enum Logo {
    /// Neurite segments in a unit square (x right, y down): (x0, y0, x1, y1, width).
    private static let neurites: [(Double, Double, Double, Double, Double)] = [
        (0.50, 0.50, 0.20, 0.22, 0.075), (0.20, 0.22, 0.12, 0.10, 0.05), (0.20, 0.22, 0.09, 0.30, 0.05),
        (0.50, 0.50, 0.80, 0.24, 0.075), (0.80, 0.24, 0.90, 0.12, 0.05), (0.80, 0.24, 0.92, 0.34, 0.05),
        (0.50, 0.50, 0.52, 0.90, 0.085), (0.52, 0.90, 0.34, 0.94, 0.045), (0.52, 0.90, 0.72, 0.93, 0.045),
        (0.50, 0.50, 0.16, 0.66, 0.06), (0.50, 0.50, 0.84, 0.68, 0.06),
    ]

    /// The logo as a PNG of `size` × `size` pixels.
    public static func png(size: Int) throws -> Data {
        try PNGCodec.encode(image(size: size), options: .compact)
    }

    /// The logo's pixels, drawn with 4 × 4 supersampling for smooth edges.
    public static func image(size: Int) -> PixelImage {
        let samples = 4
        var pixels = [UInt8](repeating: 0, count: size * size * 4)
        let teal: (Double, Double, Double) = (0.07, 0.45, 0.50)
        for py in 0..<size {
            for px in 0..<size {
                var background = 0.0, neuron = 0.0
                for sy in 0..<samples {
                    for sx in 0..<samples {
                        let x = (Double(px) + (Double(sx) + 0.5) / Double(samples)) / Double(size)
                        let y = (Double(py) + (Double(sy) + 0.5) / Double(samples)) / Double(size)
                        if insideRoundedSquare(x, y) { background += 1 }
                        if insideNeuron(x, y) { neuron += 1 }
                    }
                }
                let n = Double(samples * samples)
                let alpha = background / n, white = neuron / n
                let offset = (py * size + px) * 4
                let mix = { (c: Double) in UInt8(max(0, min(255, ((c * (1 - white) + white) * 255).rounded()))) }
                pixels[offset] = mix(teal.0)
                pixels[offset + 1] = mix(teal.1)
                pixels[offset + 2] = mix(teal.2)
                pixels[offset + 3] = UInt8((alpha * 255).rounded())
            }
        }
        var image = PixelImage(width: size, height: size, format: .rgba8)
        image.pixels = pixels
        return image
    }

    private static func insideRoundedSquare(_ x: Double, _ y: Double) -> Bool {
        let r = 0.18
        let cx = min(max(x, r), 1 - r), cy = min(max(y, r), 1 - r)
        return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r
    }

    private static func insideNeuron(_ x: Double, _ y: Double) -> Bool {
        if (x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5) <= 0.15 * 0.15 { return true }
        for (x0, y0, x1, y1, width) in neurites where distance(x, y, x0, y0, x1, y1) <= width / 2 {
            return true
        }
        return false
    }

    /// Distance from (x, y) to the segment (x0, y0)–(x1, y1).
    private static func distance(_ x: Double, _ y: Double, _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Double {
        let dx = x1 - x0, dy = y1 - y0
        let t = max(0, min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
        let ex = x0 + t * dx - x, ey = y0 + t * dy - y
        return (ex * ex + ey * ey).squareRoot()
    }
}
