import Foundation
import ImageCodecs
import JSONModel

/// The skeleton service's `flatdict` answer: gzip-compressed JSON of one skeleton.
///
/// Keys (SkeletonService `skeleton_from_meshparty.py`): `vertices` `[[x, y, z]]` in nm, `edges`
/// `[[child, parent]]` vertex indices (meshparty's orientation: the first index is the child, which
/// crantpy reads backwards), `root` the root vertex, `radius` (nm) and `compartment` (1 soma,
/// 2 axon, 3 dendrite) per vertex, and `meta` with the `root_id`. Parents come from the edges as
/// directed; only when they do not form one parent per vertex (a damaged answer) is the tree made
/// from the undirected edges, rooted at `root`. Every count and index is checked.
public enum FlatDictSkeleton {
    /// Vertices of one skeleton: 10 million (a large neuron has a few hundred thousand).
    public static let maxVertices = 10_000_000
    /// Bytes of the inflated JSON: 1 GiB.
    public static let maxJSONBytes = 1 << 30

    public static func decode(_ data: Data, id: SegmentID, source: String) throws -> Skeleton {
        var json = data
        if Gzip.isGzip(data) {
            do { json = try Gzip.decompress(data, maximumBytes: maxJSONBytes) } catch {
                throw ConnectomeError.data("\(source) is not valid gzip (\(error))", hint: "The skeleton service's answer was damaged; try again")
            }
        }
        let value: JSONValue
        do { value = try JSONValue.parse(json) } catch {
            throw ConnectomeError.data("\(source) is not JSON (\(error))", hint: "The skeleton service did not answer in flatdict format")
        }
        guard let object = value.objectValue else { throw ConnectomeError.data("\(source) is not a JSON object") }
        if let meta = object["meta"]?["root_id"], !meta.isNull {
            guard meta.uint64Value == id.rawValue else {
                throw ConnectomeError.data("\(source): meta.root_id is \(meta.text().prefix(30)), but skeleton \(id) was asked for")
            }
        }
        guard let vertices = object["vertices"]?.arrayValue else {
            throw ConnectomeError.data("\(source) has no vertices list", hint: "The skeleton service did not answer in flatdict format")
        }
        let count = vertices.count
        guard count >= 1, count <= maxVertices else {
            throw ConnectomeError.outOfRange(source, field: "vertices", value: "\(count) vertices", allowed: "1 to \(maxVertices)")
        }
        var x = [Float](repeating: 0, count: count), y = x, z = x
        for (index, vertex) in vertices.enumerated() {
            guard let xyz = vertex.arrayValue, xyz.count == 3,
                  let px = xyz[0].doubleValue, let py = xyz[1].doubleValue, let pz = xyz[2].doubleValue,
                  [px, py, pz].allSatisfy({ $0.isFinite && abs($0) <= 1e12 }) else {
                throw ConnectomeError.data("\(source): vertices[\(index)] is \(vertex.text().prefix(60)), not three finite numbers (nm)")
            }
            x[index] = Float(px)
            y[index] = Float(py)
            z[index] = Float(pz)
        }
        let edgeList = object["edges"]?.arrayValue ?? []
        guard edgeList.count <= 2 * maxVertices else {
            throw ConnectomeError.outOfRange(source, field: "edges", value: "\(edgeList.count) edges", allowed: "at most \(2 * maxVertices)")
        }
        var edges: [(Int, Int)] = []
        edges.reserveCapacity(edgeList.count)
        for (index, edge) in edgeList.enumerated() {
            guard let pair = edge.arrayValue, pair.count == 2, let child = pair[0].intValue, let parent = pair[1].intValue,
                  (0..<count).contains(child), (0..<count).contains(parent) else {
                throw ConnectomeError.data("\(source): edges[\(index)] is \(edge.text().prefix(60)), not [child, parent] vertex indices in 0…\(count - 1)")
            }
            edges.append((child, parent))
        }
        var root: Int?
        if let value = object["root"], !value.isNull {
            guard let index = value.intValue, (0..<count).contains(index) else {
                throw ConnectomeError.data("\(source): root is \(value.text().prefix(30)), not a vertex index in 0…\(count - 1)")
            }
            root = index
        }
        let radius = try floats(object["radius"], count: count, field: "radius", source: source)
        var attributes: [Skeleton.VertexAttribute] = []
        if let compartments = try floats(object["compartment"], count: count, field: "compartment", source: source) {
            attributes.append(Skeleton.VertexAttribute(id: "compartment", components: 1, values: compartments.map(Double.init)))
        }
        if let parents = directedParents(edges, count: count, root: root) {
            return try Skeleton(segmentID: id, parents: parents.parents, x: x, y: y, z: z, radius: radius, attributes: attributes,
                                droppedEdges: parents.dropped, source: source)
        }
        return try Skeleton(segmentID: id, x: x, y: y, z: z, edges: edges, root: root, radius: radius, attributes: attributes, source: source)
    }

    /// Parent links read from `[child, parent]` edges, or nil when some vertex has two parents or the
    /// root has one. Repeated edges and self-loops are dropped and counted.
    static func directedParents(_ edges: [(Int, Int)], count: Int, root: Int?) -> (parents: [Int], dropped: Int)? {
        var parents = [Int](repeating: -1, count: count)
        var dropped = 0
        for (child, parent) in edges {
            if child == parent || parents[child] == parent { dropped += 1; continue }
            guard parents[child] == -1, child != root else { return nil }
            parents[child] = parent
        }
        return (parents, dropped)
    }

    /// A per-vertex number list, or nil when absent.
    static func floats(_ value: JSONValue?, count: Int, field: String, source: String) throws(ConnectomeError) -> [Float]? {
        guard let value, !value.isNull else { return nil }
        guard let list = value.arrayValue, list.count == count else {
            throw ConnectomeError.data("\(source): \(field) has \(value.arrayValue.map { "\($0.count) values" } ?? "no list") for \(count) vertices",
                                       hint: "Every vertex needs one \(field)")
        }
        var result = [Float](repeating: 0, count: count)
        for (index, item) in list.enumerated() {
            guard let number = item.doubleValue, number.isFinite else {
                throw ConnectomeError.data("\(source): \(field)[\(index)] is \(item.text().prefix(30)), not a finite number")
            }
            result[index] = Float(number)
        }
        return result
    }
}
