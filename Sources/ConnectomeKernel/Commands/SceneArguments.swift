import CommandLanguage
import ConnectomeCore
import JSONModel

/// The arguments of one `scene` call, read and checked against the cell.
///
/// Everything a user can get wrong is checked here, before a state is built, so each error points at
/// the argument it is about (`colors=...`, `points=...`) rather than at the whole command.
struct SceneArguments {
    /// The scene to start from: the first positional when it is a scene (e.g. piped from `decode`).
    var start: SceneValue?
    var segments: [SegmentID] = []
    var hidden: [SegmentID] = []
    var colors: SegmentColoring?
    var groups: SegmentGrouping?
    var position: [Double]?
    var layout: String?
    /// The viewer URL asked for with `viewer=`; nil keeps the start scene's or the dataset's.
    var viewerBase: String?
    var annotations: [AnnotationRequest] = []
    var skeletons: [SkeletonRequest] = []
    var image: Bool?
    var segmentation: Bool?
    var mesh: Bool?
    var nuclei: Bool?
    var mergeBiased: Bool?

    init(_ invocation: Invocation) throws {
        if let first = invocation.value(at: 0) {
            switch first {
            case .custom(let scene as SceneValue):
                start = scene
            case .custom(let document as JSONDocumentValue):
                do {
                    start = SceneValue(state: try ViewerState(json: document.json), base: DatasetDescription.neuroglancerDemo)
                } catch {
                    throw invocation.argumentError(at: 0, "IDS: this JSON is not a neuroglancer state: \(error.message)")
                }
            default:
                do {
                    for selection in try IDArguments.selections(in: first) {
                        if selection.visible { segments.append(selection.id) } else { hidden.append(selection.id) }
                    }
                } catch {
                    throw invocation.argumentError(at: 0, "IDS: \(error.message)", hint: error.hint.isEmpty ? nil : error.hint)
                }
            }
        }
        segments += try IDArguments.ids(invocation, "segments") ?? []
        hidden += try IDArguments.ids(invocation, "hidden") ?? []
        colors = try Self.colors(invocation)
        groups = try Self.groups(invocation)
        if invocation.has("position") {
            position = try Self.numbers(invocation, "position", what: "a position", counts: [3], hint: "Write it like position=(24899, 14436, 3739), in voxels")
        }
        if let name = try invocation.value("layout").map({ _ in try invocation.string("layout") }) {
            // The nearest-name hint compares the text with every layout name; past a line of text
            // that costs seconds and could never be a layout anyway.
            guard name.utf8.count <= Self.longestName else {
                throw invocation.argumentError("layout", "layout \(Value.string(name).briefText) is not a layout",
                                               hint: "Layouts are \(ViewerLayout.names.joined(separator: ", "))")
            }
            do { layout = try ViewerLayout(validating: name).type } catch { throw invocation.argumentError("layout", error) }
        }
        viewerBase = try Self.viewer(invocation)
        annotations += try Self.annotationLayers(invocation, "points", Self.points)
        annotations += try Self.annotationLayers(invocation, "lines", Self.lines)
        annotations += try Self.annotationLayers(invocation, "ellipsoids", Self.ellipsoids)
        skeletons = try Self.skeletons(invocation)
        image = try invocation.value("image").map { _ in try invocation.bool("image") }
        segmentation = try invocation.value("segmentation").map { _ in try invocation.bool("segmentation") }
        mesh = try invocation.value("mesh").map { _ in try invocation.bool("mesh") }
        nuclei = try invocation.value("nuclei").map { _ in try invocation.bool("nuclei") }
        mergeBiased = try invocation.value("merge_biased").map { _ in try invocation.bool("merge_biased") }
    }

    /// The change these arguments make to a scene they are given (`decode "…" | scene …`).
    var edit: SceneEdit {
        var edit = SceneEdit()
        edit.image = image
        edit.segmentation = segmentation
        edit.brainMesh = mesh
        edit.nuclei = nuclei
        edit.mergeBiased = mergeBiased
        edit.segments = segments
        edit.hiddenSegments = hidden
        edit.colors = colors
        edit.groups = groups
        edit.annotationLayers = annotations
        edit.skeletons = skeletons
        edit.position = position
        edit.layout = layout
        return edit
    }

    /// A colour, label or group-label list of the wrong length, as an error on the argument that gave it.
    static func error(_ mismatch: SegmentCountMismatch, _ invocation: Invocation) -> EvaluationError {
        let segments = NumberFormat.count(mismatch.segments, "segment")
        switch mismatch.list {
        case .colors:
            return invocation.argumentError("colors", "colors: \(mismatch.given) colours for \(segments)",
                                            hint: "Give one colour per segment in order, one colour for all, or a record {ID: colour}")
        case .colorLabels:
            return invocation.argumentError("colors", "colors: \(mismatch.given) labels for \(segments)",
                                            hint: "Give one label per segment, in the order of the segments")
        case .groupLabels:
            return invocation.argumentError("groups", "groups: \(mismatch.given) group labels for \(segments)",
                                            hint: "Give one label per segment in order, or a record {group: [IDs]}")
        }
    }

    /// An edit that failed, as an error on the argument at fault where there is one.
    static func error(_ failure: SceneEditError, _ invocation: Invocation) -> any Error {
        switch failure {
        case .counts(let mismatch):
            return error(mismatch, invocation)
        case .position(let given, let dimensions):
            return invocation.argumentError("position", "position: the scene has \(dimensions) dimensions, got \(given) coordinates")
        case .scene(let error):
            return error
        }
    }

    /// Longer than any colour or layout name, with room for spaces: longer text is refused before
    /// the nearest-name hints compare it with every name (which costs seconds for a megabyte).
    static let longestName = 100

    // MARK: - Colours

    static func colors(_ invocation: Invocation) throws -> SegmentColoring? {
        guard let value = invocation.value("colors") else { return nil }
        func fail(_ message: String, hint: String? = nil) -> EvaluationError {
            invocation.argumentError("colors", "colors: " + message, hint: hint)
        }
        func color(_ value: Value, _ context: String) throws -> String {
            if let rgb = rgb(value) { return rgb }
            guard let text = value.asString, text.utf8.count <= longestName else {
                throw fail("\(context.isEmpty ? "the value" : context) is \(value.errorDescription), not a colour",
                           hint: "Colours are CSS names (\"red\", \"steelblue\"), hex \"#ff8800\" or (r, g, b) from 0 to 255")
            }
            do { _ = try RGBColor(parsing: text) } catch {
                throw fail((context.isEmpty ? "" : "\(context): ") + error.message, hint: error.hint.isEmpty ? nil : error.hint)
            }
            return text
        }
        switch value {
        case .string:
            return .single(try color(value, ""))
        case .vector where rgb(value) != nil:
            return .single(rgb(value)!)
        case .list(let elements), .vector(let elements):
            if !elements.isEmpty, elements.allSatisfy({ $0.asInt128 != nil }) {
                return .labels(elements.map(\.plainText))
            }
            return .list(try elements.enumerated().map { offset, element in
                try color(element, "element \(offset + 1) of the list")
            })
        case .record(let record):
            if record.count == 1, let labels = record["labels"] {
                guard let list = labels.asList else { throw fail("labels must be a list, one label per segment") }
                return .labels(list.map(\.plainText))
            }
            var map: [SegmentID: String] = [:]
            for entry in record.entries {
                let id: SegmentID
                do { id = try SegmentID(parsing: entry.key) } catch {
                    throw fail("key \(error.message)", hint: "Key the record by ID: {576460752664524086: \"red\"}, or write {labels: [...]}")
                }
                map[id] = try color(entry.value, "the colour of \(id)")
            }
            return .map(map)
        default:
            throw fail("got \(value.errorDescription)",
                       hint: "Give one colour (\"red\"), a list of colours, a record {ID: colour}, or labels {labels: [\"a\", \"b\"]}")
        }
    }

    /// `(255, 128, 0)` or `(1.0, 0.5, 0.0)` as `#ff8000`; nil when the value is not such a triple.
    static func rgb(_ value: Value) -> String? {
        guard let elements = value.asVector, elements.count == 3 else { return nil }
        let numbers = elements.compactMap(\.asDouble)
        guard numbers.count == 3 else { return nil }
        let isFraction = elements.contains { if case .float = $0 { return true } else { return false } }
            && numbers.allSatisfy { (0...1).contains($0) }
        let bytes = numbers.map { isFraction ? ($0 * 255).rounded() : $0 }
        guard bytes.allSatisfy({ (0...255).contains($0) && $0.rounded() == $0 }) else { return nil }
        return RGBColor(red: UInt8(bytes[0]), green: UInt8(bytes[1]), blue: UInt8(bytes[2])).hex
    }

    // MARK: - Groups

    static func groups(_ invocation: Invocation) throws -> SegmentGrouping? {
        guard let value = invocation.value("groups") else { return nil }
        switch value {
        case .list(let labels):
            return .labels(labels.map(\.plainText))
        case .record(let record):
            var groups: [SegmentGroup] = []
            for entry in record.entries {
                do { groups.append(SegmentGroup(name: entry.key, segments: try IDArguments.ids(in: entry.value))) } catch {
                    throw invocation.argumentError("groups", "groups: group \"\(entry.key)\": \(error.message)")
                }
            }
            return .groups(groups)
        default:
            throw invocation.argumentError("groups", "groups: got \(value.errorDescription)",
                                           hint: "Give one label per segment ([\"KC\", \"PN\"]) or a record {group: [IDs]}")
        }
    }

    // MARK: - Viewer

    static func viewer(_ invocation: Invocation) throws -> String? {
        guard invocation.has("viewer") else { return nil }
        let text = try invocation.string("viewer")
        do {
            return try ViewerBase.resolve(text)
        } catch {
            throw invocation.argumentError("viewer", error.message, hint: error.hint.isEmpty ? nil : error.hint)
        }
    }

    // MARK: - Numbers

    /// A list or vector of numbers with one of `counts` elements.
    static func numbers(_ invocation: Invocation, _ name: String, what: String, counts: [Int], hint: String) throws -> [Double] {
        let value = invocation.value(name) ?? .null
        guard let numbers = numbers(value), counts.contains(numbers.count) else {
            throw invocation.argumentError(name, "\(name): \(what) is \(counts.map(String.init).joined(separator: " or ")) numbers, got \(value.errorDescription)", hint: hint)
        }
        return numbers
    }

    static func numbers(_ value: Value) -> [Double]? {
        guard let elements = value.asList else { return nil }
        var result: [Double] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let number = element.asDouble, number.isFinite else { return nil }
            result.append(number)
        }
        return result
    }

    // MARK: - Annotations

    typealias ShapeReader = (_ elements: [Value], _ layer: String) throws(ConnectomeError) -> AnnotationRequest.Shapes

    /// `points=[...]` is one layer named after the parameter; `points={name: [...], ...}` one layer per entry.
    static func annotationLayers(_ invocation: Invocation, _ name: String, _ read: ShapeReader) throws -> [AnnotationRequest] {
        guard let value = invocation.value(name) else { return [] }
        var layers: [(String, Value)] = []
        if let record = value.asRecord {
            layers = record.entries.map { ($0.key, $0.value) }
        } else {
            layers = [(name, value)]
        }
        var result: [AnnotationRequest] = []
        for (layer, content) in layers {
            do {
                let elements: [Value]
                if let table = content.asTable {
                    elements = try rowsAsPoints(table)
                } else if let list = content.asList {
                    elements = list
                } else {
                    throw ConnectomeError.argument("layer \"\(layer)\" is \(content.errorDescription), not a list")
                }
                result.append(AnnotationRequest(name: layer, shapes: try read(elements, layer)))
            } catch let error as ConnectomeError {
                throw invocation.argumentError(name, "\(name): \(error.message)", hint: shapeHints[name])
            }
        }
        return result
    }

    static let shapeHints = [
        "points": "Points are (x, y, z) in voxels: points=[(24899, 14436, 3739), (24950, 14400, 3739)]",
        "lines": "Lines are pairs of points in voxels: lines=[((1, 2, 3), (4, 5, 6))] or [(x1, y1, z1, x2, y2, z2)]",
        "ellipsoids": "Ellipsoids are (x, y, z, radius) or (x, y, z, rx, ry, rz) in voxels",
    ]

    static func points(_ elements: [Value], _ layer: String) throws(ConnectomeError) -> AnnotationRequest.Shapes {
        var points: [[Double]] = []
        points.reserveCapacity(elements.count)
        for (offset, element) in elements.enumerated() {
            guard let point = numbers(element), point.count == 3 else {
                throw ConnectomeError.argument("point \(offset + 1) of layer \"\(layer)\" is \(element.errorDescription), not (x, y, z)")
            }
            points.append(point)
        }
        return .points(points)
    }

    static func lines(_ elements: [Value], _ layer: String) throws(ConnectomeError) -> AnnotationRequest.Shapes {
        var lines: [[[Double]]] = []
        lines.reserveCapacity(elements.count)
        for (offset, element) in elements.enumerated() {
            if let flat = numbers(element), flat.count == 6 {
                lines.append([Array(flat[..<3]), Array(flat[3...])])
            } else if let ends = element.asList, ends.count == 2, let a = numbers(ends[0]), let b = numbers(ends[1]),
                      a.count == 3, b.count == 3 {
                lines.append([a, b])
            } else {
                throw ConnectomeError.argument("line \(offset + 1) of layer \"\(layer)\" is \(element.errorDescription), not a pair of points")
            }
        }
        return .lines(lines)
    }

    static func ellipsoids(_ elements: [Value], _ layer: String) throws(ConnectomeError) -> AnnotationRequest.Shapes {
        var rows: [[Double]] = []
        rows.reserveCapacity(elements.count)
        for (offset, element) in elements.enumerated() {
            guard let row = numbers(element), row.count == 4 || row.count == 6 else {
                throw ConnectomeError.argument("ellipsoid \(offset + 1) of layer \"\(layer)\" is \(element.errorDescription), not (x, y, z, radius) or (x, y, z, rx, ry, rz)")
            }
            rows.append(row)
        }
        return .ellipsoids(rows)
    }

    /// A table with x, y, z columns as a list of points.
    private static func rowsAsPoints(_ table: Table) throws(ConnectomeError) -> [Value] {
        guard let x = table.column("x"), let y = table.column("y"), let z = table.column("z") else {
            throw ConnectomeError.argument("the table has no x, y and z columns (its columns are \(table.columns.joined(separator: ", ")))")
        }
        return (0..<x.count).map { .vector([x[$0], y[$0], z[$0]]) }
    }

    // MARK: - Skeletons

    static let skeletonHint = "A skeleton is {nodes: [(x, y, z), ...], edges: [(0, 1), ...]} in nm (edges join node indices; "
        + "or parents: [-1, 0, 1, ...]), or a table with node_id, parent_id, x, y, z columns"

    static func skeletons(_ invocation: Invocation) throws -> [SkeletonRequest] {
        guard let value = invocation.value("skeleton") else { return [] }
        let items: [Value]
        if case .list(let list) = value,
           list.contains(where: { $0.asRecord != nil || $0.asTable != nil || $0.asCustom(SkeletonValue.self) != nil }) {
            items = list
        } else {
            items = [value]
        }
        var result: [SkeletonRequest] = []
        for (offset, item) in items.enumerated() {
            let fallback = items.count == 1 ? "skeleton" : "skeleton \(offset + 1)"
            do {
                switch item {
                case .record(let record): result.append(try skeleton(record, fallbackName: fallback))
                case .table(let table): result.append(try skeleton(table, fallbackName: fallback))
                case .custom(let value as SkeletonValue): result.append(SkeletonRequest(value.skeleton))
                default: throw ConnectomeError.argument("got \(item.errorDescription)")
                }
            } catch let error as ConnectomeError {
                throw invocation.argumentError("skeleton", "skeleton: \(error.message)", hint: skeletonHint)
            }
        }
        return result
    }

    private static func skeleton(_ record: Record, fallbackName: String) throws(ConnectomeError) -> SkeletonRequest {
        let known: Set<String> = ["nodes", "edges", "parents", "name", "segment"]
        if let unknown = record.keys.first(where: { !known.contains($0) }) {
            throw ConnectomeError.argument("unknown key \"\(unknown)\" (keys are nodes, edges or parents, name, segment)")
        }
        guard let nodeList = record["nodes"]?.asList else {
            throw ConnectomeError.argument("the record has no `nodes` list")
        }
        var nodes: [SkeletonRequest.Node] = []
        nodes.reserveCapacity(nodeList.count)
        for (index, node) in nodeList.enumerated() {
            guard let position = numbers(node), position.count == 3 else {
                throw ConnectomeError.argument("node \(index) is \(node.errorDescription), not (x, y, z) in nm")
            }
            nodes.append(SkeletonRequest.Node(id: Int64(index), position: position))
        }
        var edges: [[Int64]] = []
        if let edgeList = record["edges"]?.asList {
            edges.reserveCapacity(edgeList.count)
            for (offset, edge) in edgeList.enumerated() {
                guard let pair = edge.asList, pair.count == 2, let a = pair[0].asInt, let b = pair[1].asInt else {
                    throw ConnectomeError.argument("edge \(offset + 1) is \(edge.errorDescription), not a pair of node indices (i, j)")
                }
                for end in [a, b] where !nodes.indices.contains(end) {
                    throw ConnectomeError.argument("edge \(offset + 1) names node \(end), but the nodes are numbered 0 to \(nodes.count - 1)")
                }
                edges.append([Int64(a), Int64(b)])
            }
        } else if let parents = record["parents"]?.asList {
            guard parents.count == nodes.count else {
                throw ConnectomeError.argument("\(parents.count) parents for \(nodes.count) nodes; give one parent index per node (-1 for the root)")
            }
            for (index, parent) in parents.enumerated() {
                guard let value = parent.asInt, value < nodes.count else {
                    throw ConnectomeError.argument("parent \(index) is \(parent.errorDescription), not a node index or -1")
                }
                if value >= 0 { edges.append([Int64(index), Int64(value)]) }
            }
        } else {
            throw ConnectomeError.argument("the record has neither `edges` nor `parents`")
        }
        var name = fallbackName
        if let given = record["name"] {
            guard let text = given.asString, !text.isEmpty else { throw ConnectomeError.argument("name is \(given.errorDescription), not a text") }
            name = text
        }
        var segment: SegmentID?
        if let given = record["segment"] { segment = try IDArguments.id(given, position: nil) }
        return SkeletonRequest(name: name, nodes: nodes, edges: edges, segment: segment)
    }

    private static func skeleton(_ table: Table, fallbackName: String) throws(ConnectomeError) -> SkeletonRequest {
        let needed = ["node_id", "parent_id", "x", "y", "z"]
        let indices = needed.map { table.columns.firstIndex(of: $0) }
        guard indices.allSatisfy({ $0 != nil }) else {
            let missing = zip(needed, indices).filter { $0.1 == nil }.map(\.0)
            throw ConnectomeError.argument("the table lacks column(s) \(missing.joined(separator: ", ")) (its columns are \(table.columns.joined(separator: ", ")))")
        }
        let columns = indices.map { $0! }
        var rows: [(id: Int64, parent: Int64, position: [Double])] = []
        rows.reserveCapacity(table.rows.count)
        for (offset, row) in table.rows.enumerated() {
            guard columns.allSatisfy({ $0 < row.count }),
                  let id = row[columns[0]].asInt128.flatMap({ Int64(exactly: $0) }),
                  let parent = row[columns[1]].asInt128.flatMap({ Int64(exactly: $0) }),
                  let x = row[columns[2]].asDouble, let y = row[columns[3]].asDouble, let z = row[columns[4]].asDouble
            else {
                throw ConnectomeError.argument("row \(offset + 1) of the table does not hold integer node_id, parent_id and numbers x, y, z")
            }
            rows.append((id, parent, [x, y, z]))
        }
        return SkeletonRequest(name: table.title ?? fallbackName, treeNodes: rows)
    }
}
