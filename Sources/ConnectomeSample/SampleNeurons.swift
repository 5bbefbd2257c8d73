import ConnectomeCore

/// The sample's neuron annotation table: one row per segment present in the volume, with CRANT's
/// 30 annotation fields in CRANT's order (`ALL_ANNOTATION_FIELDS`).
///
/// Values are invented but shaped like CRANT's (an ant brain): large profiles are mushroom body
/// output and descending neurons, small ones mostly Kenyon cells, then projection neurons, local
/// interneurons and ascending neurons. The soma is the cell's point in the section where its
/// profile is largest; `position`, `nucleus_position` and `root_position` are voxels of mip 0.
/// Every value comes from integer hashes of the cell index, so the table is the same on every run.
struct SampleNeurons: Sendable {
    static let fields = [
        "root_id", "root_id_processed", "supervoxel_id", "position", "nucleus_id", "nucleus_position",
        "root_position", "cave_table", "proofread", "status", "region", "proofreader_notes", "side", "nerve", "tract",
        "hemilineage", "flow", "super_class", "cell_class", "cell_type", "cell_subtype", "cell_instance", "known_nt",
        "known_nt_source", "alternative_names", "annotator_notes", "user_annotator", "user_proofreader",
        "ngl_link", "date_proofread",
    ]

    struct Neuron: Sendable {
        var cell: Int
        var rootID: UInt64
        var cellClass: SampleCellClass
        /// Soma voxel (mip 0) and the section it lies in.
        var soma: (x: Int, y: Int, z: Int)
        var row: [SampleTable.Cell]
    }

    /// Neurons in cell-index order (root IDs are scrambled, so the table looks unordered, as CRANT's does).
    let neurons: [Neuron]
    /// Index into `neurons` of each cell, −1 for cells absent from the volume.
    let neuronOfCell: [Int]

    init(volume: SampleVolume, sections: SampleSections, smallCellCount: Int) {
        var neurons: [Neuron] = []
        var neuronOfCell = [Int](repeating: -1, count: sections.cellCount)
        for cell in 0..<sections.cellCount {
            var somaZ = -1, largest = 0
            for z in 0..<sections.depth where sections.count(cell: cell, z: z) > largest {
                largest = sections.count(cell: cell, z: z)
                somaZ = z
            }
            guard somaZ >= 0, let anchor = sections.anchor(cell: cell, z: somaZ) else { continue }
            let cellClass = SampleCellClass.assign(cell: cell, large: cell >= smallCellCount)
            let soma = (anchor.x, anchor.y, somaZ)
            neuronOfCell[cell] = neurons.count
            neurons.append(Neuron(cell: cell, rootID: volume.segmentIDs[cell], cellClass: cellClass, soma: soma,
                                  row: Self.row(cell: cell, rootID: volume.segmentIDs[cell], cellClass: cellClass, soma: soma,
                                                left: anchor.x < sections.width / 2)))
        }
        self.neurons = neurons
        self.neuronOfCell = neuronOfCell
    }

    /// A layer-1 (supervoxel) ID beside the layer-8 root: layer in the top byte, the soma's 64³
    /// chunk in the next 30 bits, the cell index below.
    static func supervoxelID(cell: Int, soma: (x: Int, y: Int, z: Int)) -> UInt64 {
        let chunk = UInt64(soma.x / 64 & 0x3FF) << 46 | UInt64(soma.y / 64 & 0x3FF) << 36 | UInt64(soma.z / 64 & 0x3FF) << 26
        return 0x0100_0000_0000_0000 | chunk | UInt64(cell + 1)
    }

    private static func row(cell: Int, rootID: UInt64, cellClass: SampleCellClass, soma: (x: Int, y: Int, z: Int),
                            left: Bool) -> [SampleTable.Cell] {
        let u = { (k: Int) in SampleHash.unit(cell, k, 31) }
        let side = left ? "left" : "right"
        let suffix = left ? "_L" : "_R"
        let position = SampleTable.Cell.vector([soma.x, soma.y, soma.z])
        let proofread = u(0) < cellClass.proofreadShare
        let annotated = proofread || u(1) < 0.75
        let hasNucleus = u(2) < 0.92
        let status: SampleTable.Cell = proofread
            ? .list(u(3) < 0.5 ? ["backbone_proofread"] : ["backbone_proofread", "soma_attached"])
            : annotated ? .list(u(3) < 0.7 ? ["prelim_proofread"] : ["prelim_proofread", "needs_review"]) : .null
        let type = cellClass.types[Int(u(4) * Float(cellClass.types.count)) % cellClass.types.count]
        let subtype: SampleTable.Cell = cellClass == .projectionNeuron
            ? .text("glom_T\(1 + Int(u(5) * 7))_\(1 + Int(u(6) * 9))") : .null
        let people = ["m.kim", "s.roth", "a.okafor", "j.lindqvist", "p.ramos"]
        let annotator = people[Int(u(7) * Float(people.count)) % people.count]
        let proofreader = people[Int(u(8) * Float(people.count)) % people.count]
        let month = 1 + Int(u(9) * 12), day = 1 + Int(u(10) * 28)
        let known = annotated ? cellClass.knownTransmitter(u(11)) : nil
        var notes: SampleTable.Cell = .null
        if u(12) < 0.05 { notes = .text("soma near the volume's edge, check") } else if u(12) < 0.08 { notes = .text("axon leaves the volume") }
        let fields: [SampleTable.Cell] = [
            .id(rootID),                                                    // root_id
            .id(rootID),                                                    // root_id_processed
            .id(supervoxelID(cell: cell, soma: soma)),                      // supervoxel_id
            position,                                                       // position
            hasNucleus ? .id(7_000_000 + UInt64(cell) * 13) : .null,        // nucleus_id
            hasNucleus ? position : .null,                                  // nucleus_position
            position,                                                       // root_position
            .text("sample_neurons"),                                        // cave_table
            .bool(proofread),                                               // proofread
            status,                                                         // status
            annotated ? .list(cellClass.regions.map { $0.hasPrefix("GNG") ? $0 : $0 + suffix }) : .null, // region
            proofread && u(13) < 0.2 ? .text("merged a dendrite back in") : .null, // proofreader_notes
            .text(side),                                                    // side
            annotated ? cellClass.nerve.map { .text($0) } ?? .null : .null, // nerve
            annotated ? cellClass.tract(u(14)).map { .text($0) } ?? .null : .null, // tract
            cellClass == .kenyonCell && annotated ? .text(u(15) < 0.5 ? "MBp1" : "MBp2") : .null, // hemilineage
            annotated ? .text(cellClass.flow) : .null,                      // flow
            annotated ? .text(cellClass.superClass) : .null,                // super_class
            annotated ? .text(cellClass.name) : .null,                      // cell_class
            annotated ? .text(type) : .null,                                // cell_type
            annotated ? subtype : .null,                                    // cell_subtype
            annotated ? .text(type + suffix) : .null,                       // cell_instance
            known.map { .text($0) } ?? .null,                               // known_nt
            known == nil ? .null : .text(u(16) < 0.3 ? "immunostaining" : "prediction"), // known_nt_source
            cellClass == .mushroomBodyOutput && annotated ? .text("MBON-\(type.suffix(2))") : .null, // alternative_names
            notes,                                                          // annotator_notes
            annotated ? .list(u(17) < 0.3 ? [annotator, proofreader] : [annotator]) : .null, // user_annotator
            proofread ? .list([proofreader]) : .null,                       // user_proofreader
            .null,                                                          // ngl_link
            proofread ? .text(String(format2: 2025, month, day)) : .null,   // date_proofread
        ]
        return fields
    }
}

/// The cell classes of the sample and what CRANT-like annotations each carries.
enum SampleCellClass: Int, Sendable, CaseIterable {
    case kenyonCell, projectionNeuron, localNeuron, ascending, mushroomBodyOutput, descending

    /// Small profiles: mostly Kenyon cells; large ones: output and descending neurons.
    static func assign(cell: Int, large: Bool) -> SampleCellClass {
        let u = SampleHash.unit(cell, 0, 37)
        if large { return u < 0.6 ? .mushroomBodyOutput : .descending }
        return u < 0.66 ? .kenyonCell : u < 0.82 ? .projectionNeuron : u < 0.94 ? .localNeuron : .ascending
    }

    var name: String {
        switch self {
        case .kenyonCell: "kenyon_cell"
        case .projectionNeuron: "olfactory_projection_neuron"
        case .localNeuron: "antennal_lobe_local_neuron"
        case .ascending: "ascending"
        case .mushroomBodyOutput: "mushroom_body_output_neuron"
        case .descending: "descending"
        }
    }

    var superClass: String {
        switch self {
        case .ascending: "ascending"
        case .descending: "descending"
        default: "central"
        }
    }

    var flow: String {
        switch self {
        case .ascending: "afferent"
        case .descending: "efferent"
        default: "intrinsic"
        }
    }

    var types: [String] {
        switch self {
        case .kenyonCell: ["KCc", "KCnc", "KCcl"]
        case .projectionNeuron: ["uPN_mALT", "uPN_lALT", "mPN_mlALT"]
        case .localNeuron: ["LN_homo", "LN_hetero"]
        case .ascending: ["AN_GNG_01", "AN_GNG_02"]
        case .mushroomBodyOutput: ["MBON01", "MBON02", "MBON05", "MBON11"]
        case .descending: ["DNa01", "DNa02", "DNp04"]
        }
    }

    /// Neuropils, without the side suffix (GNG is unpaired).
    var regions: [String] {
        switch self {
        case .kenyonCell: ["MB_CA", "MB_PED", "MB_VL", "MB_ML"]
        case .projectionNeuron: ["AL", "MB_CA", "LH"]
        case .localNeuron: ["AL"]
        case .ascending: ["GNG", "AL"]
        case .mushroomBodyOutput: ["MB_VL", "SMP", "CRE"]
        case .descending: ["LAL", "GNG"]
        }
    }

    var nerve: String? {
        switch self {
        case .ascending, .descending: "cervical_connective"
        default: nil
        }
    }

    func tract(_ u: Float) -> String? {
        switch self {
        case .projectionNeuron: u < 0.5 ? "mALT" : "lALT"
        case .kenyonCell: "pedunculus"
        default: nil
        }
    }

    /// CRANT writes `known_nt` as one comma-separated string, not a list.
    func knownTransmitter(_ u: Float) -> String? {
        switch self {
        case .kenyonCell, .projectionNeuron: u < 0.9 ? "acetylcholine" : nil
        case .localNeuron: u < 0.7 ? "gaba" : "gaba, glutamate"
        case .ascending: u < 0.5 ? "acetylcholine" : nil
        case .mushroomBodyOutput: u < 0.4 ? "glutamate" : u < 0.8 ? "acetylcholine" : "acetylcholine, glutamate"
        case .descending: u < 0.8 ? "acetylcholine" : "gaba"
        }
    }

    var proofreadShare: Float {
        switch self {
        case .mushroomBodyOutput, .descending: 0.8
        case .projectionNeuron: 0.5
        default: 0.25
        }
    }
}

private extension String {
    /// `yyyy-mm-dd`.
    init(format2 year: Int, _ month: Int, _ day: Int) {
        self = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
}
