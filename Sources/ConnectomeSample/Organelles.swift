import ConnectomeCore
import Foundation

/// Mitochondria and vesicle clusters of the sample volume, stamped into one section.
///
/// Each is tied to a cell (it drifts with the cell's seed and is drawn only on that cell's
/// interior pixels) and spans a range of sections, thinning towards its ends, so it looks
/// continuous when scrolling through z.
struct Organelles {
    let field: CellField
    let z: Int
    let smallSeeds: (x: [Float], y: [Float], weight: [Float])
    let largeSeeds: (x: [Float], y: [Float], weight: [Float])

    func stamp(value: UnsafeMutableBufferPointer<Float>, interior: UnsafeMutableBufferPointer<Float>,
               cells: UnsafeBufferPointer<UInt16>) {
        let zf = Float(z)
        let smallCount = field.small.count
        for cell in 0..<field.cellCount {
            let isLarge = cell >= smallCount
            let seed = isLarge ? cell - smallCount : cell
            let (seedX, seedY) = isLarge ? (largeSeeds.x[seed], largeSeeds.y[seed]) : (smallSeeds.x[seed], smallSeeds.y[seed])
            if isLarge && largeSeeds.weight[seed] == 0 { continue }
            let reach: Float = isLarge ? largeSeeds.weight[seed] : 0.4 * Float(field.small.spacing)
            let u = { (k: Int) in SampleHash.unit(cell, k, 5) }
            let mitochondria = isLarge ? Int(4 * u(0)) : (u(0) < 0.12 ? 1 : 0)
            for m in 0..<mitochondria {
                let w = { (k: Int) in SampleHash.unit(cell, m, 7, k) }
                // An ellipse that rotates slowly and thins towards its z ends.
                let zCenter = -16 + (Float(field.depth) + 32) * w(1)
                let halfDepth = 10 + 25 * w(2)
                let along = (zf - zCenter) / halfDepth
                guard abs(along) < 1 else { continue }
                let profile = (1 - along * along).squareRoot()
                let scale: Float = isLarge ? 1 : 0.55
                let a = max(3, scale * (12 + 12 * w(3)) * profile), b = max(2.5, scale * (8 + 4 * w(4)) * profile)
                let angle = 3.1416 * w(5) + 0.02 * zf * (w(6) - 0.5)
                let distance = (isLarge ? 0.55 : 0.2) * reach * w(7), direction = 6.283 * w(8)
                drawEllipse(cell: cell, centerX: seedX + distance * cos(direction), centerY: seedY + distance * sin(direction),
                            a: a, b: b, angle: angle, value: value, interior: interior, cells: cells)
            }
            if u(10) < (isLarge ? 0.12 : 0.22) {
                // A cluster of synaptic vesicles: small dark rings with light lumens.
                let clusterZ = Float(field.depth) * u(11)
                guard abs(zf - clusterZ) < 7 else { continue }
                let count = isLarge ? 120 : 28 + Int(20 * u(12))
                let spread = isLarge ? 0.5 * reach : reach
                let centerX = seedX + (u(13) - 0.5) * 0.3 * spread, centerY = seedY + (u(14) - 0.5) * 0.3 * spread
                for vesicle in 0..<count {
                    let v = { (k: Int) in SampleHash.unit(cell, vesicle, 6, k) }
                    let vz = clusterZ + 10 * (v(0) - 0.5)
                    let dz = (zf - vz) / 1.4
                    guard abs(dz) < 1 else { continue }
                    let radius = (2.3 + 0.8 * v(1)) * (1 - dz * dz).squareRoot() + 0.5
                    let distance = spread * v(2).squareRoot(), angle = 6.283 * v(3)
                    drawVesicle(cell: cell, x: centerX + distance * cos(angle), y: centerY + distance * sin(angle),
                                radius: radius, value: value, interior: interior, cells: cells)
                }
            }
        }
    }

    private func drawEllipse(cell: Int, centerX: Float, centerY: Float, a: Float, b: Float, angle: Float,
                             value: UnsafeMutableBufferPointer<Float>, interior: UnsafeMutableBufferPointer<Float>,
                             cells: UnsafeBufferPointer<UInt16>) {
        let c = cos(angle), s = sin(angle)
        let reach = a + 1
        let x0 = max(0, Int(centerX - reach)), x1 = min(field.width - 1, Int(centerX + reach))
        let y0 = max(0, Int(centerY - reach)), y1 = min(field.height - 1, Int(centerY + reach))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let i = y * field.width + x
                guard Int(cells[i]) == cell, interior[i] > 0.95 else { continue }
                let dx = Float(x) + 0.5 - centerX, dy = Float(y) + 0.5 - centerY
                let u = (dx * c + dy * s) / a, v = (-dx * s + dy * c) / b
                let r2 = u * u + v * v
                guard r2 < 1 else { continue }
                // Dark double membrane at the rim, cristae as stripes across the long axis, a dense matrix.
                let rimWidth = 2.2 / b
                let rim = r2 > (1 - rimWidth) * (1 - rimWidth)
                value[i] = rim ? 45 : 92 + 26 * cos(u * a * 1.3 + v * 0.8)
            }
        }
    }

    private func drawVesicle(cell: Int, x: Float, y: Float, radius: Float,
                             value: UnsafeMutableBufferPointer<Float>, interior: UnsafeMutableBufferPointer<Float>,
                             cells: UnsafeBufferPointer<UInt16>) {
        let x0 = max(0, Int(x - radius)), x1 = min(field.width - 1, Int(x + radius))
        let y0 = max(0, Int(y - radius)), y1 = min(field.height - 1, Int(y + radius))
        guard x0 <= x1, y0 <= y1 else { return }
        for py in y0...y1 {
            for px in x0...x1 {
                let i = py * field.width + px
                guard Int(cells[i]) == cell, interior[i] > 0.95 else { continue }
                let dx = Float(px) + 0.5 - x, dy = Float(py) + 0.5 - y
                let r = (dx * dx + dy * dy).squareRoot() / radius
                guard r < 1 else { continue }
                value[i] = r > 0.55 ? 62 : 135
            }
        }
    }
}
