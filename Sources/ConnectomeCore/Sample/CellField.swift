import Foundation

/// The cell layout of the sample volume and the rendering of one section of it.
///
/// Two kinds of profile, as in insect neuropil: large round dendrites (discs on a coarse grid)
/// and, between them, small axon profiles (a weighted Voronoi tessellation on a fine grid).
/// Pixel coordinates are warped by smooth noise before the lookup so borders curve.
struct CellField: Sendable {
    let width: Int, height: Int, depth: Int
    /// Seed spacing of the small profiles (about 190 nm) and of the large ones.
    static let smallSpacing = 24
    static let largeSpacing = 120
    let small: SeedGrid
    let large: SeedGrid
    var cellCount: Int { small.count + large.count }

    init(width: Int, height: Int, depth: Int) {
        self.width = width
        self.height = height
        self.depth = depth
        small = SeedGrid(width: width, height: height, spacing: Self.smallSpacing)
        large = SeedGrid(width: width, height: height, spacing: Self.largeSpacing)
    }

    struct SeedGrid: Sendable {
        let spacing: Int, columns: Int, rows: Int
        var count: Int { columns * rows }
        init(width: Int, height: Int, spacing: Int) {
            self.spacing = spacing
            columns = (width + spacing - 1) / spacing + 2
            rows = (height + spacing - 1) / spacing + 2
        }
    }

    /// Seeds at section z: home position plus a slow drift; `weight` is the squared power radius
    /// for small cells and the disc radius for large ones (0 when the large cell is absent).
    func seeds(_ grid: SeedGrid, large isLarge: Bool, z: Int) -> (x: [Float], y: [Float], weight: [Float]) {
        var xs = [Float](repeating: 0, count: grid.count)
        var ys = xs, ws = xs
        let s = Float(grid.spacing)
        let zf = Float(z)
        let salt = isLarge ? 11 : 1
        for gy in 0..<grid.rows {
            for gx in 0..<grid.columns {
                let cell = gy * grid.columns + gx
                let u = { (k: Int) in SampleHash.unit(gx, gy, salt, k) }
                let jitter: Float = isLarge ? 0.3 : 0.6
                let homeX = (Float(gx - 1) + 0.5 + jitter * (u(0) - 0.5)) * s
                let homeY = (Float(gy - 1) + 0.5 + jitter * (u(1) - 0.5)) * s
                let amplitude = (isLarge ? 0.08 : 0.18) * s * u(2)
                let frequency = 0.02 + 0.05 * u(3)
                let phase = 6.283 * u(4)
                xs[cell] = homeX + amplitude * sin(zf * frequency + phase)
                ys[cell] = homeY + amplitude * cos(zf * frequency * 0.8 + phase * 1.3)
                let swell = 0.8 + 0.2 * sin(zf * (0.015 + 0.03 * u(7)) + 6.283 * u(8))
                if isLarge {
                    ws[cell] = u(5) < 0.6 ? (0.2 + 0.17 * u(6)) * s * swell : 0
                } else {
                    let radius = 0.42 * s * u(6) * u(6).squareRoot()
                    ws[cell] = radius * radius * swell
                }
            }
        }
        return (xs, ys, ws)
    }

    /// Renders section `z`: cell of each pixel, then grey values (membranes, texture, organelles, blur, grain).
    /// `stop` is asked once per row; when it answers true the section is left unfinished.
    func renderSection(z: Int, image: UnsafeMutableBufferPointer<UInt8>, cells: UnsafeMutableBufferPointer<UInt16>,
                       stop: (@Sendable () -> Bool)? = nil) {
        let pixels = width * height
        var value = [Float](repeating: 0, count: pixels)
        var interior = [Float](repeating: 0, count: pixels)
        let smallSeeds = seeds(small, large: false, z: z)
        let largeSeeds = seeds(large, large: true, z: z)
        let texture = ValueNoise(width: width, height: height, z: z)
        // One warp field for all sections, so borders move only with their seeds.
        let warpX = ValueNoise.Lattice(width: width, height: height, step: 16, amplitude: 4, salt: 9001, margin: 2)
        let warpY = ValueNoise.Lattice(width: width, height: height, step: 16, amplitude: 4, salt: 9002, margin: 2)

        var base = [Float](repeating: 0, count: cellCount)
        for cell in 0..<cellCount {
            base[cell] = SampleHash.unit(cell, 0, 2) < 0.05 ? 138 + 20 * SampleHash.unit(cell, 1, 2)
                : 166 + 24 * SampleHash.unit(cell, 2, 2)
        }
        let sectionShift = 6 * (SampleHash.unit(z, 0, 3) - 0.5)
        let smallSpacing = small.spacing, largeSpacing = large.spacing

        let finished = value.withUnsafeMutableBufferPointer { value in
            interior.withUnsafeMutableBufferPointer { interior -> Bool in
                for y in 0..<height {
                    if let stop, stop() { return false }
                    for x in 0..<width {
                        let px = Float(x) + 0.5 + warpX.sample(x + 32, y + 32)
                        let py = Float(y) + 0.5 + warpY.sample(x + 32, y + 32)
                        // Large discs: signed distance to the nearest disc's edge.
                        let lx = min(max(Int(px) / largeSpacing, 0), large.columns - 3)
                        let ly = min(max(Int(py) / largeSpacing, 0), large.rows - 3)
                        var edge = Float.greatestFiniteMagnitude, nextEdge = Float.greatestFiniteMagnitude
                        var largeCell = 0
                        for gy in ly...(ly + 2) {
                            for gx in lx...(lx + 2) {
                                let c = gy * large.columns + gx
                                let radius = largeSeeds.weight[c]
                                guard radius > 0 else { continue }
                                let dx = px - largeSeeds.x[c], dy = py - largeSeeds.y[c]
                                let e = (dx * dx + dy * dy).squareRoot() - radius
                                if e < edge { nextEdge = edge; edge = e; largeCell = c } else if e < nextEdge { nextEdge = e }
                            }
                        }
                        var cell: Int
                        var gap: Float
                        if edge < 0 {
                            cell = small.count + largeCell
                            gap = min(-edge, (nextEdge - edge) * 0.5)
                        } else {
                            // Small profiles: nearest and second-nearest seed in power distance.
                            let sx = min(max(Int(px) / smallSpacing, 0), small.columns - 3)
                            let sy = min(max(Int(py) / smallSpacing, 0), small.rows - 3)
                            var best = Float.greatestFiniteMagnitude, second = Float.greatestFiniteMagnitude
                            var bestCell = 0, secondCell = 0
                            for gy in sy...(sy + 2) {
                                for gx in sx...(sx + 2) {
                                    let c = gy * small.columns + gx
                                    let dx = px - smallSeeds.x[c], dy = py - smallSeeds.y[c]
                                    let d = dx * dx + dy * dy - smallSeeds.weight[c]
                                    if d < best {
                                        second = best; secondCell = bestCell; best = d; bestCell = c
                                    } else if d < second {
                                        second = d; secondCell = c
                                    }
                                }
                            }
                            let ex = smallSeeds.x[bestCell] - smallSeeds.x[secondCell]
                            let ey = smallSeeds.y[bestCell] - smallSeeds.y[secondCell]
                            cell = bestCell
                            gap = min(edge, (second - best) / (2 * (ex * ex + ey * ey).squareRoot() + 1e-6))
                        }
                        // 0 on the border, 1 from 2 px inside: a dark band about 3 px wide overall.
                        var t = min(max((gap - 0.45) / 1.5, 0), 1)
                        t = t * t * (3 - 2 * t)
                        let i = y * width + x
                        cells[i] = UInt16(cell)
                        interior[i] = t
                        let cytoplasm = base[cell] + texture.sample(x, y) + sectionShift
                        value[i] = 38 + (cytoplasm - 38) * t
                    }
                }
                Organelles(field: self, z: z, smallSeeds: smallSeeds, largeSeeds: largeSeeds)
                    .stamp(value: value, interior: interior, cells: UnsafeBufferPointer(cells))
                return true
            }
        }
        guard finished else { return }
        blurAndGrain(value, z: z, into: image)
    }

    /// A 3 × 3 binomial blur (the microscope's point spread) and grain of σ ≈ 8 grey levels.
    private func blurAndGrain(_ value: [Float], z: Int, into image: UnsafeMutableBufferPointer<UInt8>) {
        var horizontal = [Float](repeating: 0, count: value.count)
        for y in 0..<height {
            let row = y * width
            for x in 0..<width {
                let left = value[row + max(x - 1, 0)], right = value[row + min(x + 1, width - 1)]
                horizontal[row + x] = 0.25 * left + 0.5 * value[row + x] + 0.25 * right
            }
        }
        let seed = UInt64(z) &* 0xD6E8_FEB8_6659_FD93
        for y in 0..<height {
            let up = max(y - 1, 0) * width, row = y * width, down = min(y + 1, height - 1) * width
            for x in 0..<width {
                let blurred = 0.25 * horizontal[up + x] + 0.5 * horizontal[row + x] + 0.25 * horizontal[down + x]
                let h = SampleHash.mix(seed ^ UInt64(row + x))
                let sum = Int(h & 0xFF) + Int((h >> 8) & 0xFF) + Int((h >> 16) & 0xFF) + Int((h >> 24) & 0xFF)
                let grain = Float(sum - 510) * (8.0 / 147.8)
                image[row + x] = UInt8(min(max(blurred + grain + 0.5, 0), 255))
            }
        }
    }
}

/// Two octaves of bilinear value noise for cytoplasm texture, different in every section.
struct ValueNoise {
    let fine: Lattice, coarse: Lattice

    init(width: Int, height: Int, z: Int) {
        fine = Lattice(width: width, height: height, step: 3, amplitude: 8, salt: z * 2)
        coarse = Lattice(width: width, height: height, step: 11, amplitude: 10, salt: z * 2 + 1)
    }

    @inline(__always) func sample(_ x: Int, _ y: Int) -> Float { fine.sample(x, y) + coarse.sample(x, y) }

    struct Lattice {
        let step: Int, columns: Int
        let values: [Float]

        /// `margin` extra lattice cells on every side allow sampling at x + margin·step.
        init(width: Int, height: Int, step: Int, amplitude: Float, salt: Int, margin: Int = 0) {
            self.step = step
            columns = width / step + 2 + 2 * margin
            let rows = height / step + 2 + 2 * margin
            values = (0..<(columns * rows)).map { amplitude * (2 * SampleHash.unit($0, salt, 4) - 1) }
        }

        @inline(__always) func sample(_ x: Int, _ y: Int) -> Float {
            let gx = x / step, gy = y / step
            let fx = Float(x - gx * step) / Float(step), fy = Float(y - gy * step) / Float(step)
            let i = gy * columns + gx
            let top = values[i] + (values[i + 1] - values[i]) * fx
            let bottom = values[i + columns] + (values[i + columns + 1] - values[i + columns]) * fx
            return top + (bottom - top) * fy
        }
    }
}
