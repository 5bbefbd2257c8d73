import CommandLanguage
import ConnectomeCore

/// `skeleton`, `nodes`, `nearest` and `reroot`: a neuron's skeleton, its nodes, and crantpy's
/// `map_position_to_node` and `reroot_at_soma`.
enum SkeletonCommands {
    static func all(state: KernelState) -> [CommandSpec] {
        [skeleton(state: state), nodes, nearest, reroot(state: state)]
    }

    static func skeleton(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "skeleton",
            summary: "A neuron's skeleton from the dataset's skeleton source: an XY picture and its numbers.",
            details: """
                Reads the precomputed skeleton of ID (dataset skeletons="precomputed://…"; the sample has \
                one per neuron). Shows nodes, cable length in µm, branch points, tips and the root; the \
                picture is an XY projection with the root marked. Pipe it into nodes, nearest, reroot, or \
                give it to scene skeleton=….
                """,
            positional: PositionalSpec("ID", .ids, help: "one neuron ID (or a table whose first ID is used)", required: true),
            examples: ["skeleton 576460752664524086", "let sk = segment at (512, 512, 32) | skeleton"]
        ) { invocation in
            let ids = try IDArguments.ids(invocation, at: 0)
            guard let id = ids.first else {
                throw invocation.argumentError(at: 0, "skeleton needs one neuron ID, got none")
            }
            if ids.count > 1 && !invocation.isPiped {
                throw invocation.argumentError(at: 0, "skeleton takes one neuron ID, got \(ids.count)",
                                               hint: "Take one: skeleton \(id)")
            }
            let skeleton = try await state.neuronSource().skeleton(id)
            return .custom(SkeletonValue(skeleton, note: ids.count > 1 ? "(the first of \(ids.count) IDs)" : nil))
        }
    }

    static let nodes = CommandSpec(
        name: "nodes",
        summary: "A skeleton's nodes as a table: node_id, parent_id (-1 at the root), x, y, z and radius in nm.",
        positional: PositionalSpec("SKELETON", help: "a skeleton (piped in, or a variable)", required: true),
        examples: ["skeleton 576460752664524086 | nodes", "nodes sk | sort radius descending=true | head 5"]
    ) { invocation in
        .custom(try skeletonArgument(invocation, at: 0).nodeTable)
    }

    static let nearest = CommandSpec(
        name: "nearest",
        summary: "The skeleton nodes nearest to positions (nm), with their distances if asked.",
        details: """
            crantpy's map_position_to_node: one k-d tree over the skeleton's nodes answers every \
            position. POSITION is (x, y, z) in nanometres, or a list of them. The result is a table of \
            node_id (and distance in nm with distance=true), one row per position.
            """,
        parameters: [ParameterSpec("distance", .bool, default: "false", help: "add the distance to each node in nm")],
        positional: PositionalSpec("POSITION", help: "(x, y, z) in nm or a list of them, then: of SKELETON",
                                   variadic: true, required: true),
        keywords: ["of"],
        examples: ["nearest (4100, 4200, 1344) of sk", "nearest [(4100, 4200, 1344), (3000, 3900, 1300)] of sk distance=true"],
        synopsis: "nearest POSITION of SKELETON [distance=true]"
    ) { invocation in
        guard invocation.positional.count == 2 else {
            throw EvaluationError(.argumentError, "nearest needs positions and a skeleton",
                                  hint: "Write it like: nearest (4100, 4200, 1344) of sk", range: invocation.range)
        }
        // Piped, the skeleton comes first: `skeleton ID | nearest (…)`.
        let skeletonIndex = invocation.positional[0].asCustom(SkeletonValue.self) != nil ? 0 : 1
        let skeleton = try skeletonArgument(invocation, at: skeletonIndex).skeleton
        let positions = try positionsArgument(invocation, at: 1 - skeletonIndex)
        let hits: [(nodeID: Int, index: Int, distance: Double)]
        do { hits = try skeleton.nearestNodes(to: positions) } catch let error as ConnectomeError {
            throw invocation.argumentError(at: 1 - skeletonIndex, error.message, hint: error.hint.isEmpty ? nil : error.hint)
        }
        var columns = [DataColumn("node_id", .int64(ScalarColumn(values: hits.map { Int64($0.nodeID) })))]
        if try invocation.bool("distance", default: false) {
            columns.append(DataColumn("distance", .double(ScalarColumn(values: hits.map(\.distance)))))
        }
        return .custom(DataTableValue(try DataTable(columns: columns),
                                      title: "nearest nodes of the skeleton\(skeleton.segmentID.map { " of \($0)" } ?? "")"))
    }

    static func reroot(state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "reroot",
            summary: "The skeleton rerooted at the node nearest a position (nm), or at the soma.",
            details: """
                As navis' reroot_skeleton: the parents along the path from the old root to the new one are \
                reversed; every other node keeps its parent. `at soma` takes the soma position of the \
                skeleton's neuron from the neuron table (voxels, converted with the dataset's voxel size).
                """,
            positional: PositionalSpec("SKELETON", help: "the skeleton, then: at POSITION or at soma", variadic: true, required: true),
            keywords: ["at", "soma"],
            examples: ["reroot sk at (4100, 4200, 1344)", "skeleton 576460752664524086 | reroot at soma"],
            synopsis: "reroot SKELETON at POSITION | reroot SKELETON at soma"
        ) { invocation in
            let value = try skeletonArgument(invocation, at: 0)
            let skeleton = value.skeleton
            let target: Point3
            let how: String
            if invocation.hasKeyword("soma") {
                guard let id = skeleton.segmentID else {
                    throw invocation.argumentError(at: 0, "this skeleton has no neuron ID, so its soma cannot be looked up",
                                                   hint: "reroot at a position: reroot SKELETON at (x, y, z)")
                }
                let table = try await state.neuronSource().annotations()
                guard let voxels = try table.position(of: id) else {
                    throw ConnectomeError.noMatches("the neuron table has no soma position for \(id)",
                                                    hint: "reroot at a position: reroot SKELETON at (x, y, z)")
                }
                let size = state.dataset.voxelSize
                target = Point3(voxels[0] * size[0], voxels[1] * size[1], voxels[2] * size[2])
                how = "at the soma"
            } else {
                guard invocation.positional.count == 2 else {
                    throw EvaluationError(.argumentError, "reroot needs where: at (x, y, z) in nm, or at soma",
                                          hint: "Write it like: reroot sk at soma", range: invocation.range)
                }
                target = try positionsArgument(invocation, at: 1, single: true)[0]
                how = "at (\(Int(clamping: Int64(target.x.rounded()))), …) nm"
            }
            let (rerooted, index, distance) = try skeleton.rerooted(nearest: target)
            let note = "Rerooted \(how): node \(rerooted.nodeIDs[index]), \(Int(distance.rounded())) nm away."
            return .custom(SkeletonValue(rerooted, note: note))
        }
    }

    // MARK: - Arguments

    static func skeletonArgument(_ invocation: Invocation, at index: Int) throws -> SkeletonValue {
        guard let value = invocation.value(at: index) else {
            throw EvaluationError(.argumentError, "'\(invocation.command)' needs a skeleton",
                                  hint: "Pipe one in: skeleton ID | \(invocation.command) …", range: invocation.range)
        }
        guard let skeleton = value.asCustom(SkeletonValue.self) else {
            throw invocation.argumentError(at: index, "'\(invocation.command)' needs a skeleton, got \(value.errorDescription)",
                                           hint: "Get one with: skeleton ID")
        }
        return skeleton
    }

    /// Positions in nm: one vector, or a list of vectors; every coordinate finite.
    static func positionsArgument(_ invocation: Invocation, at index: Int, single: Bool = false) throws -> [Point3] {
        let value = invocation.value(at: index) ?? .null
        func point(_ value: Value) -> Point3? {
            guard let items = value.asList, items.count == 3,
                  let x = items[0].asDouble, let y = items[1].asDouble, let z = items[2].asDouble,
                  x.isFinite, y.isFinite, z.isFinite, abs(x) < 1e15, abs(y) < 1e15, abs(z) < 1e15 else { return nil }
            return Point3(x, y, z)
        }
        if let one = point(value) { return [one] }
        if !single, let items = value.asList, !items.isEmpty {
            var points: [Point3] = []
            for (offset, item) in items.enumerated() {
                guard let p = point(item) else {
                    throw invocation.argumentError(at: index, "element \(offset + 1) of the positions is \(item.errorDescription), not (x, y, z) in nm",
                                                   hint: "Give positions as (x, y, z) with finite numbers below 1e15")
                }
                points.append(p)
            }
            return points
        }
        throw invocation.argumentError(at: index, "expected a position (x, y, z) in nm\(single ? "" : " or a list of them"), got \(value.errorDescription)",
                                       hint: "Write it like: (4100, 4200, 1344)")
    }
}
