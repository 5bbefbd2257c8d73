import ConnectomeCore
import Foundation

/// The skeleton of one sample neuron, drawn through its own voxels.
///
/// The trunk is one node per section at the cell's anchor (a pixel well inside it, see
/// `SampleSections`), linked through z; the root is the trunk node of the soma section, so the
/// links below the soma point up and those above point down. Some trunk nodes sprout an in-plane
/// side branch that walks straight out from the anchor while it stays off the membrane (large
/// profiles branch more often, further, and fork once). Every node is the centre of a voxel of
/// its own cell, so `segment at` a node's position (nm ÷ resolution) reads back the neuron's ID.
enum SampleSkeletons {
    static func skeleton(for neuron: SampleNeurons.Neuron, volume: SampleVolume, sections: SampleSections,
                         large: Bool) throws -> Skeleton {
        let cell = neuron.cell
        let (w, h) = (sections.width, sections.height)
        let resolution = SampleVolume.resolution
        var parents: [Int] = [], xs: [Float] = [], ys: [Float] = [], zs: [Float] = [], radii: [Float] = []
        func add(_ x: Int, _ y: Int, _ z: Int, parent: Int, radius: Double) -> Int {
            parents.append(parent)
            xs.append(Float((Double(x) + 0.5) * resolution[0]))
            ys.append(Float((Double(y) + 0.5) * resolution[1]))
            zs.append(Float((Double(z) + 0.5) * resolution[2]))
            radii.append(Float(radius))
            return parents.count - 1
        }
        func crossSection(_ z: Int) -> Double {
            (Double(sections.count(cell: cell, z: z)) / Double.pi).squareRoot() * resolution[0]
        }

        // Trunk, soma first, then outwards in both directions.
        var trunk: [(index: Int, z: Int)] = []
        let somaZ = neuron.soma.z
        let soma = add(neuron.soma.x, neuron.soma.y, somaZ, parent: -1, radius: crossSection(somaZ) * 0.9)
        trunk.append((soma, somaZ))
        for direction in [-1, 1] {
            var previous = soma
            var z = somaZ + direction
            while z >= 0, z < sections.depth {
                if let anchor = sections.anchor(cell: cell, z: z) {
                    previous = add(anchor.x, anchor.y, z, parent: previous, radius: crossSection(z) * 0.5)
                    trunk.append((previous, z))
                }
                z += direction
            }
        }

        volume.cells[0].withUnsafeBufferPointer { cells in
            func isCell(_ x: Int, _ y: Int, _ z: Int) -> Bool {
                x >= 1 && x + 1 < w && y >= 1 && y + 1 < h && Int(cells[x + w * (y + h * z)]) == cell
                    && Int(cells[x - 1 + w * (y + h * z)]) == cell && Int(cells[x + 1 + w * (y + h * z)]) == cell
                    && Int(cells[x + w * (y - 1 + h * z)]) == cell && Int(cells[x + w * (y + 1 + h * z)]) == cell
            }
            /// Walks from node `from` at (x, y, z) along `angle`; a node every 3 px; returns the nodes made.
            func branch(from: Int, _ x: Int, _ y: Int, _ z: Int, angle: Double, steps: Int, radius: Double) -> [(Int, Int, Int)] {
                let (cx, cy) = (cos(angle), sin(angle))
                var made: [(Int, Int, Int)] = []
                var parent = from
                for step in 1...steps {
                    let px = Int((Double(x) + 0.5 + cx * Double(step)).rounded(.down))
                    let py = Int((Double(y) + 0.5 + cy * Double(step)).rounded(.down))
                    guard isCell(px, py, z) else { break }
                    if step % 3 == 0 {
                        let taper = radius * (1 - 0.6 * Double(step) / Double(steps))
                        parent = add(px, py, z, parent: parent, radius: taper)
                        made.append((parent, px, py))
                    }
                }
                return made
            }
            for (node, z) in trunk where node != soma {
                let u = { (k: Int) in Double(SampleHash.unit(cell, z, 53, k)) }
                guard u(0) < (large ? 0.35 : 0.12) else { continue }
                let angle = 2 * Double.pi * u(1)
                let x = Int((Double(xs[node]) / resolution[0]).rounded(.down)), y = Int((Double(ys[node]) / resolution[1]).rounded(.down))
                let made = branch(from: node, x, y, z, angle: angle, steps: large ? 45 : 14, radius: Double(radii[node]) * 0.5)
                if large, made.count >= 4 {
                    let fork = made[made.count / 2]
                    _ = branch(from: fork.0, fork.1, fork.2, z, angle: angle + (u(2) < 0.5 ? 0.9 : -0.9), steps: 21,
                               radius: Double(radii[fork.0]) * 0.7)
                }
            }
        }
        // A tree by construction (every node's parent was added before it); the checked initialiser
        // costs little here and catches a generator bug as an error rather than a bad file.
        return try Skeleton(segmentID: SegmentID(neuron.rootID), parents: parents, x: xs, y: ys, z: zs, radius: radii,
                            source: "sample skeleton of \(neuron.rootID)")
    }
}
