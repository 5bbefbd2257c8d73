import ConnectomeCore
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

    /// Seeds as (x, y, weight) triples in one array: the pixel loop reads all three of a seed together.
    static func packed(_ seeds: (x: [Float], y: [Float], weight: [Float])) -> [Float] {
        var packed = [Float](repeating: 0, count: 3 * seeds.x.count)
        for index in seeds.x.indices {
            packed[3 * index] = seeds.x[index]
            packed[3 * index + 1] = seeds.y[index]
            packed[3 * index + 2] = seeds.weight[index]
        }
        return packed
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

        // Per-column and per-row lattice positions, so the pixel loop divides nothing; the
        // arithmetic is the lattices' own (`Lattice.sample`), so the bytes are the same.
        let warpColumns = warpX.axis(0..<width, offset: 32), warpRows = warpX.axis(0..<height, offset: 32)
        let fineColumns = texture.fine.axis(0..<width), fineRows = texture.fine.axis(0..<height)
        let coarseColumns = texture.coarse.axis(0..<width), coarseRows = texture.coarse.axis(0..<height)
        let largePacked = Self.packed(largeSeeds), smallPacked = Self.packed(smallSeeds)
        let (largeColumns, smallColumns) = (large.columns, small.columns)
        let (largeLimitX, largeLimitY) = (large.columns - 3, large.rows - 3)
        let (smallLimitX, smallLimitY) = (small.columns - 3, small.rows - 3)
        let smallCount = small.count

        let finished = value.withUnsafeMutableBufferPointer { value in
            interior.withUnsafeMutableBufferPointer { interior -> Bool in
                let rendered = largePacked.withUnsafeBufferPointer { largeSeed in
                smallPacked.withUnsafeBufferPointer { smallSeed in
                base.withUnsafeBufferPointer { base -> Bool in
                for y in 0..<height {
                    if let stop, stop() { return false }
                    let warpRow = warpRows[y], fineRow = fineRows[y], coarseRow = coarseRows[y]
                    for x in 0..<width {
                        let warpColumn = warpColumns[x]
                        let px = Float(x) + 0.5 + warpX.sample(warpColumn, warpRow)
                        let py = Float(y) + 0.5 + warpY.sample(warpColumn, warpRow)
                        // Large discs: signed distance to the nearest disc's edge.
                        let lx = min(max(Int(px) / Self.largeSpacing, 0), largeLimitX)
                        let ly = min(max(Int(py) / Self.largeSpacing, 0), largeLimitY)
                        var edge = Float.greatestFiniteMagnitude, nextEdge = Float.greatestFiniteMagnitude
                        var largeCell = 0
                        for gy in ly...(ly + 2) {
                            for gx in lx...(lx + 2) {
                                let c = gy * largeColumns + gx
                                let radius = largeSeed[3 * c + 2]
                                guard radius > 0 else { continue }
                                let dx = px - largeSeed[3 * c], dy = py - largeSeed[3 * c + 1]
                                let e = (dx * dx + dy * dy).squareRoot() - radius
                                if e < edge { nextEdge = edge; edge = e; largeCell = c } else if e < nextEdge { nextEdge = e }
                            }
                        }
                        var cell: Int
                        var gap: Float
                        if edge < 0 {
                            cell = smallCount + largeCell
                            gap = min(-edge, (nextEdge - edge) * 0.5)
                        } else {
                            // Small profiles: nearest and second-nearest seed in power distance.
                            let sx = min(max(Int(px) / Self.smallSpacing, 0), smallLimitX)
                            let sy = min(max(Int(py) / Self.smallSpacing, 0), smallLimitY)
                            var best = Float.greatestFiniteMagnitude, second = Float.greatestFiniteMagnitude
                            var bestCell = 0, secondCell = 0
                            for gy in sy...(sy + 2) {
                                for gx in sx...(sx + 2) {
                                    let c = gy * smallColumns + gx
                                    let dx = px - smallSeed[3 * c], dy = py - smallSeed[3 * c + 1]
                                    let d = dx * dx + dy * dy - smallSeed[3 * c + 2]
                                    if d < best {
                                        second = best; secondCell = bestCell; best = d; bestCell = c
                                    } else if d < second {
                                        second = d; secondCell = c
                                    }
                                }
                            }
                            let ex = smallSeed[3 * bestCell] - smallSeed[3 * secondCell]
                            let ey = smallSeed[3 * bestCell + 1] - smallSeed[3 * secondCell + 1]
                            cell = bestCell
                            gap = min(edge, (second - best) / (2 * (ex * ex + ey * ey).squareRoot() + 1e-6))
                        }
                        // 0 on the border, 1 from 2 px inside: a dark band about 3 px wide overall.
                        var t = min(max((gap - 0.45) / 1.5, 0), 1)
                        t = t * t * (3 - 2 * t)
                        let i = y * width + x
                        cells[i] = UInt16(truncatingIfNeeded: cell)
                        interior[i] = t
                        let grain = texture.fine.sample(fineColumns[x], fineRow) + texture.coarse.sample(coarseColumns[x], coarseRow)
                        let cytoplasm = base[cell] + grain + sectionShift
                        value[i] = 38 + (cytoplasm - 38) * t
                    }
                }
                return true
                }
                }
                }
                guard rendered else { return false }
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

        /// The lattice cell and the fraction across it of one coordinate (the same for every row or column).
        struct Position {
            var cell: Int
            var fraction: Float
        }

        @inline(__always) func position(_ coordinate: Int) -> Position {
            let cell = coordinate / step
            return Position(cell: cell, fraction: Float(coordinate - cell * step) / Float(step))
        }

        /// `position` of every coordinate of `range` (+ `offset`), computed once per section.
        func axis(_ range: Range<Int>, offset: Int = 0) -> [Position] {
            range.map { position($0 + offset) }
        }

        @inline(__always) func sample(_ x: Int, _ y: Int) -> Float {
            sample(position(x), position(y))
        }

        @inline(__always) func sample(_ column: Position, _ row: Position) -> Float {
            values.withUnsafeBufferPointer { values in
                let i = row.cell * columns + column.cell
                let fx = column.fraction
                let top = values[i] + (values[i + 1] - values[i]) * fx
                let bottom = values[i + columns] + (values[i + columns + 1] - values[i + columns]) * fx
                return top + (bottom - top) * row.fraction
            }
        }
    }
}
