import CommandLanguage
import ConnectomeCore
import Foundation
import ImageCodecs

/// `slice` (an XY section as a PNG) and `segment at` (segmentation IDs at positions).
enum SliceCommands {
    static func all(state: KernelState) -> [CommandSpec] { [slice(state), segment(state)] }

    /// Output pixels along one side: 16384 is the most a browser shows as one image (and PNG's
    /// usual decoder limit); the memory budget bounds the product.
    static let pixels = NumberRange(1...16_384)

    /// Resolution levels: each halves (or so) the one before, so 63 is beyond any volume's last.
    static let levels = NumberRange(0...63)

    static func slice(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "slice",
            summary: "An XY section of the current dataset, centred on voxel (x, y) at section z, shown as a PNG.",
            details: """
                Coordinates are mip-0 voxels, voxel offset included (as crantpy's plot_em_image). `size` \
                (default 1000), `width` and `height` count output pixels, which at mip=M are voxels of \
                that mip. The PNG holds the voxels exactly as stored (8-bit grey, x along the width, y \
                down the height); nothing is resampled or stretched unless asked with contrast=, window= \
                or invert=. Parts of the region outside the volume are padded with background (0); a \
                region wholly outside is an error naming the bounds. Missing chunks read as background \
                and the summary says how many there were.
                overlay=true draws the segmentation in distinct colours over the EM (alpha= sets its \
                opacity); segments=IDS colours only those neurons; layer=segmentation shows the \
                segmentation alone. On a graphene:// segmentation (a CAVE datastack) the watershed's \
                supervoxels are coloured by their root at at= (default now), asked in one roots call for the \
                section's distinct supervoxels; the summary says how many supervoxels and roots there were.
                After `stack` (CATMAID), slice reads that stack's tiles instead: x and y are level-0 stack \
                voxels and z the section (or units="nm" for project coordinates), zoom= picks the level, and \
                broken sections show the next good one (the summary says so).
                x, y and z lie within ±2^40; size, width and height within 1 to 16384 pixels; and what a \
                slice holds at its peak (voxels, image, PNG) within the cell memory budget (1 GiB unless \
                set with cache budget=): past it, ask for a smaller size or a coarser mip.
                """,
            parameters: [
                ParameterSpec("x", .number, required: true, range: .coordinate, help: "centre x, mip-0 voxels"),
                ParameterSpec("y", .number, required: true, range: .coordinate, help: "centre y, mip-0 voxels"),
                ParameterSpec("z", .number, required: true, range: .coordinate, help: "section, mip-0 voxels"),
                ParameterSpec("size", .integer, default: "1000", range: pixels, help: "width and height in output pixels"),
                ParameterSpec("width", .integer, range: pixels, help: "width in output pixels (overrides size)"),
                ParameterSpec("height", .integer, range: pixels, help: "height in output pixels (overrides size)"),
                ParameterSpec("layer", .string, help: "layer to read (see `dataset`); the first image layer by default",
                              choices: DatasetCommands.commonLayerNames),
                ParameterSpec("mip", .integer, default: "0", range: levels, help: "resolution level (0 = full resolution)"),
                ParameterSpec("overlay", .bool, default: "false", help: "draw the segmentation over the EM"),
                ParameterSpec("alpha", .number, default: "0.35", range: NumberRange(0.0...1.0), help: "opacity of the overlay"),
                ParameterSpec("segments", .ids, help: "colour only these IDs in the overlay"),
                CaveCommands.atParameter,
                ParameterSpec("contrast", .string, default: "none", help: "none, or auto (stretch the 0.5–99.5 percentiles)",
                              choices: ["none", "auto"]),
                ParameterSpec("window", .vector, help: "(low, high): grey values mapped to black and white"),
                ParameterSpec("invert", .bool, default: "false", help: "swap black and white"),
                ParameterSpec("zoom", .integer, default: "0", range: levels, help: "CATMAID stacks: zoom level (0 = full resolution)"),
                ParameterSpec("units", .string, default: "voxels", help: "CATMAID stacks: voxels (stack voxels) or nm (project coordinates)",
                              choices: ["voxels", "nm"]),
            ],
            examples: [
                "slice x=512 y=512 z=32",
                "slice x=512 y=512 z=32 size=256 mip=1",
                "slice x=512 y=512 z=32 size=512 overlay=true alpha=0.5",
                "slice x=512 y=512 z=32 overlay=true segments=[576460752303423489]",
                "slice x=512 y=512 z=32 layer=segmentation",
                "slice x=512 y=512 z=32 overlay=true at=\"2025-01-31T12:00:00\"",
            ]
        ) { invocation in
            try await SliceRequest(invocation: invocation, state: state).run()
        }
    }

    static func segment(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "segment",
            summary: "The segmentation ID at a voxel position, or the IDs at a list of positions.",
            details: """
                Positions are mip-0 voxels (x, y, z), voxel offset included. Positions outside the volume read 0.
                On a graphene:// segmentation (a CAVE datastack: dataset crant, dataset cave) the supervoxel is \
                read from the watershed layer the chunked graph's info names, and its root at at= (default now) \
                is asked from the chunked graph in one roots call; layer="supervoxel" gives the supervoxel itself.
                """,
            parameters: [
                CaveCommands.atParameter,
                ParameterSpec("layer", .string, default: "root", help: "graphene:// only: root (the root at at=) or supervoxel (the watershed ID)",
                              choices: ["root", "supervoxel"]),
            ],
            positional: PositionalSpec("POSITIONS", .any, help: "a vector (x, y, z) or a list of vectors",
                                       range: .coordinate),
            keywords: ["at"],
            examples: ["segment at (512, 512, 32)", "segment at [(500, 500, 32), (600, 420, 32)]",
                       "segment at (512, 512, 32) at=\"2025-01-31T12:00:00\"", "segment at (512, 512, 32) layer=\"supervoxel\""]
        ) { invocation in
            guard invocation.hasKeyword("at") else {
                throw EvaluationError(.argumentError, "segment needs the word 'at' before the position",
                                      hint: "Write: segment at (x, y, z)", range: invocation.range)
            }
            guard let positions = invocation.value(at: 0) else {
                throw EvaluationError(.argumentError, "segment at needs a position (x, y, z) or a list of positions",
                                      hint: "Write: segment at (512, 512, 32)", range: invocation.range)
            }
            let (points, single) = try parsePositions(positions, invocation: invocation)
            let kind = try invocation.string("layer", default: "root")
            guard ["root", "supervoxel"].contains(kind) else {
                throw invocation.argumentError("layer", "layer=\"\(kind.prefix(40))\" is not root or supervoxel",
                                               hint: "layer=\"supervoxel\" gives the watershed ID, layer=\"root\" (the default) its root")
            }
            let layer = try state.layerURL("segmentation")
            let ids: [UInt64]
            if GrapheneSource.isGraphene(layer.url) {
                let at = try await CaveCommands.instant(invocation, state: state)
                let graphene = try await state.graphene(url: layer.url)
                if kind == "supervoxel" {
                    ids = try await graphene.watershed.readValues(mip: 0, points: points)
                } else {
                    ids = SegmentID.rawValues(try await graphene.roots(at: points, time: at.date).roots)
                }
            } else {
                for name in ["at", "layer"] where invocation.has(name) && !(name == "layer" && kind == "root") {
                    throw invocation.argumentError(name, "\(name)= is for graphene:// segmentations, and dataset '\(state.dataset.name)' has a precomputed one, whose voxels are the IDs as stored",
                                                   hint: "Leave \(name)= out; open a CAVE datastack (dataset crant, dataset cave) for supervoxels and roots at a time")
                }
                let volume = try await state.volume(url: layer.url)
                ids = try await volume.readValues(mip: 0, points: points)
            }
            let values = ids.map { Value.int(Int128($0)) }
            return single ? values[0] : .list(values)
        }
    }

    static func parsePositions(_ value: Value, invocation: Invocation) throws -> (points: [(Int, Int, Int)], single: Bool) {
        func point(_ value: Value, index: Int?) throws -> (Int, Int, Int) {
            let where_ = index.map { "position \($0 + 1) of the list" } ?? "the position"
            guard case .vector(let parts) = value, parts.count == 3 else {
                throw EvaluationError(.argumentError, "\(where_) should be a vector (x, y, z), not \(value.plainText)",
                                      hint: "Write: segment at (512, 512, 32)", range: invocation.range(at: 0))
            }
            let numbers = try parts.map { part -> Int in
                guard let number = part.asDouble else {
                    throw EvaluationError(.argumentError, "\(where_) has a coordinate that is not a number: \(part.plainText)",
                                          range: invocation.range(at: 0))
                }
                guard let voxel = NumberRange.coordinate.int(number) else {
                    throw EvaluationError.outOfRange("a coordinate", given: "\(where_) \(value.briefText)", inside: part,
                                                     command: "segment at", range: .coordinate, at: invocation.range(at: 0))
                }
                return voxel
            }
            return (numbers[0], numbers[1], numbers[2])
        }
        switch value {
        case .vector:
            return ([try point(value, index: nil)], true)
        case .list(let items):
            return (try items.enumerated().map { try point($1, index: $0) }, false)
        default:
            throw EvaluationError(.argumentError, "segment at needs a vector (x, y, z) or a list of vectors, not \(value.kindName)",
                                  range: invocation.range(at: 0))
        }
    }
}
