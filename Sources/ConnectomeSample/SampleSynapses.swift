import ConnectomeCore
import Foundation

/// The sample's synapse table, with CAVE's column names (`synapses_v2`).
///
/// Only cells that touch make synapses, and each synapse sits on a stretch of membrane between
/// them: `pre_pt_position` up to 2 px inside the presynaptic cell, `post_pt_position` up to 2 px
/// inside the postsynaptic one, `ctr_pt_position` on the border, all voxels of mip 0, so `segment
/// at` a pre position gives `pre_pt_root_id`. How many synapses a touching pair makes depends on
/// the two cell classes (projection neurons → Kenyon cells → output neurons → descending neurons
/// are the strong paths) times a heavy-tailed (Pareto) draw, so a few partners dominate as in real
/// connectomes. Deterministic: contacts are taken in hash order, synapses listed by position.
struct SampleSynapses: Sendable {
    static let fields = [
        "id", "pre_pt_root_id", "post_pt_root_id", "pre_pt_supervoxel_id", "post_pt_supervoxel_id", "size",
        "pre_pt_position", "post_pt_position", "ctr_pt_position",
    ]

    struct Synapse: Sendable {
        var id: Int
        /// Cell indices of the two partners.
        var pre: Int, post: Int
        var prePosition: (x: Int, y: Int, z: Int)
        var postPosition: (x: Int, y: Int, z: Int)
        var center: (x: Int, y: Int, z: Int)
        var size: Int
    }

    /// The most synapses one ordered pair makes.
    static let maximumWeight = 60

    let synapses: [Synapse]

    init(volume: SampleVolume, sections: SampleSections, neurons: SampleNeurons) {
        let contacts = sections.contacts
        var order = contacts.indices.map { (UInt64(contacts[$0].pair) << 32 | UInt64(contacts[$0].rank), Int32($0)) }
        order.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        let (w, h) = (sections.width, sections.height)
        var synapses: [Synapse] = []
        volume.cells[0].withUnsafeBufferPointer { cells in
            func label(_ x: Int, _ y: Int, _ z: Int) -> Int {
                guard x >= 0, x < w, y >= 0, y < h else { return -1 }
                return Int(cells[x + w * (y + h * z)])
            }
            /// From (x, y) in `cell`, up to 2 steps of (dx, dy) that stay in `cell`.
            func inside(_ cell: Int, _ x: Int, _ y: Int, _ z: Int, _ dx: Int, _ dy: Int) -> (x: Int, y: Int, z: Int) {
                var (px, py) = (x, y)
                for _ in 0..<2 where label(px + dx, py + dy, z) == cell {
                    px += dx
                    py += dy
                }
                return (px, py, z)
            }
            var start = 0
            while start < order.count {
                var end = start + 1
                let pair = order[start].0 >> 32
                while end < order.count, order[end].0 >> 32 == pair { end += 1 }
                defer { start = end }
                let a = Int(pair >> 16), b = Int(pair & 0xFFFF)
                let neuronA = neurons.neuronOfCell[a], neuronB = neurons.neuronOfCell[b]
                guard neuronA >= 0, neuronB >= 0 else { continue }
                let classA = neurons.neurons[neuronA].cellClass, classB = neurons.neurons[neuronB].cellClass
                var forward = Self.weight(pre: a, classA, post: b, classB)
                var backward = Self.weight(pre: b, classB, post: a, classA)
                let available = end - start
                if forward + backward > available {
                    let scaled = Int((Double(forward) * Double(available) / Double(forward + backward)).rounded())
                    (forward, backward) = (scaled, available - scaled)
                }
                for k in 0..<(forward + backward) {
                    let contact = contacts[Int(order[start + k].1)]
                    let (pre, post) = k < forward ? (a, b) : (b, a)
                    let (ex, ey) = contact.axis == 0 ? (1, 0) : (0, 1)
                    let p = (Int(contact.x), Int(contact.y)), q = (p.0 + ex, p.1 + ey), z = Int(contact.z)
                    let preFirst = Int(contact.first) == pre
                    let preStart = preFirst ? p : q, postStart = preFirst ? q : p
                    let away = preFirst ? -1 : 1
                    let u = { (k: Int) in SampleHash.unit(Int(contact.rank), pre, 47, k) }
                    let gaussian = Double(u(0) + u(1) + u(2) + u(3) - 2) * 1.7
                    synapses.append(Synapse(
                        id: 0, pre: pre, post: post,
                        prePosition: inside(pre, preStart.0, preStart.1, z, away * ex, away * ey),
                        postPosition: inside(post, postStart.0, postStart.1, z, -away * ex, -away * ey),
                        center: (preStart.0, preStart.1, z),
                        size: min(4000, max(8, Int((60 * exp(0.9 * gaussian)).rounded())))))
                }
            }
        }
        synapses.sort {
            ($0.center.z, $0.center.y, $0.center.x, $0.pre, $0.post) < ($1.center.z, $1.center.y, $1.center.x, $1.pre, $1.post)
        }
        for index in synapses.indices { synapses[index].id = index + 1 }
        self.synapses = synapses
    }

    /// Synapses from `pre` onto `post` (cells that touch): 0 unless a class-dependent chance comes
    /// up, else the class pair's scale times a Pareto draw (α 1.4), capped at `maximumWeight`.
    static func weight(pre: Int, _ preClass: SampleCellClass, post: Int, _ postClass: SampleCellClass) -> Int {
        let (chance, scale) = affinity(preClass, postClass)
        guard SampleHash.unit(pre, post, 41) < chance else { return 0 }
        let draw = pow(1 - Double(SampleHash.unit(pre, post, 43)), -1 / 1.4)
        return min(maximumWeight, max(1, Int(scale * draw)))
    }

    private static func affinity(_ pre: SampleCellClass, _ post: SampleCellClass) -> (chance: Float, scale: Double) {
        switch (pre, post) {
        case (.projectionNeuron, .kenyonCell): (0.6, 2)
        case (.kenyonCell, .mushroomBodyOutput): (0.85, 3)
        case (.kenyonCell, .kenyonCell): (0.12, 1)
        case (.localNeuron, .projectionNeuron): (0.5, 2)
        case (.localNeuron, .localNeuron): (0.25, 1)
        case (.projectionNeuron, .localNeuron): (0.25, 1)
        case (.mushroomBodyOutput, .descending): (0.9, 6)
        case (.mushroomBodyOutput, .mushroomBodyOutput): (0.4, 2)
        case (.ascending, .localNeuron), (.ascending, .projectionNeuron): (0.4, 2)
        case (.descending, _): (0.05, 1)
        default: (0.06, 1)
        }
    }

    /// The table rows, in `fields` order.
    func rows(volume: SampleVolume, neurons: SampleNeurons) -> [[SampleTable.Cell]] {
        synapses.map { synapse in
            let pre = neurons.neurons[neurons.neuronOfCell[synapse.pre]], post = neurons.neurons[neurons.neuronOfCell[synapse.post]]
            return [
                .int(synapse.id), .id(pre.rootID), .id(post.rootID),
                .id(SampleNeurons.supervoxelID(cell: synapse.pre, soma: pre.soma)),
                .id(SampleNeurons.supervoxelID(cell: synapse.post, soma: post.soma)),
                .int(synapse.size),
                .vector([synapse.prePosition.x, synapse.prePosition.y, synapse.prePosition.z]),
                .vector([synapse.postPosition.x, synapse.postPosition.y, synapse.postPosition.z]),
                .vector([synapse.center.x, synapse.center.y, synapse.center.z]),
            ]
        }
    }
}
