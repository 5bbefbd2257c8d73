import Foundation

/// The numbers a scientist reads first about a skeleton, and a one-paragraph text of them.
public struct SkeletonSummary: Sendable, Equatable {
    public var segmentID: SegmentID?
    public var nodes: Int
    public var cableMicrometres: Double
    public var branchPoints: Int
    public var tips: Int
    /// Connected components (trees).
    public var trees: Int
    /// Node ID and position (nm) of the first root.
    public var rootNodeID: Int?
    public var rootPosition: Point3?
    public var droppedEdges: Int

    public init(_ skeleton: Skeleton) {
        let types = skeleton.nodeTypes
        segmentID = skeleton.segmentID
        nodes = skeleton.nodeCount
        cableMicrometres = skeleton.cableLengthMicrometres
        branchPoints = types.lazy.filter { $0 == .branch }.count
        tips = types.lazy.filter { $0 == .end }.count
        trees = types.lazy.filter { $0 == .root }.count
        rootNodeID = skeleton.root.map { skeleton.nodeIDs[$0] }
        rootPosition = skeleton.root.map(skeleton.position)
        droppedEdges = skeleton.droppedEdges
    }

    /// "Skeleton of 576460752571686913: 1,234 nodes, 56.8 µm of cable, 12 branch points, 25 tips; root node 0 at (…) nm."
    public var text: String {
        var parts = ["\(NumberFormat.count(nodes, "node")), \(Self.number(cableMicrometres)) µm of cable",
                     NumberFormat.count(branchPoints, "branch point"), NumberFormat.count(tips, "tip")]
        if trees > 1 { parts.append("\(NumberFormat.count(trees, "tree")) (not connected to each other)") }
        var sentence = (segmentID.map { "Skeleton of \($0): " } ?? "Skeleton: ") + parts.joined(separator: ", ")
        if let rootNodeID, let rootPosition {
            sentence += "; root node \(rootNodeID) at (\(Self.number(rootPosition.x)), \(Self.number(rootPosition.y)), \(Self.number(rootPosition.z))) nm"
        }
        sentence += "."
        if droppedEdges > 0 {
            sentence += " \(NumberFormat.count(droppedEdges, "edge")) of the source (repeats, self-loops or cycles) were left out of the tree."
        }
        return sentence
    }

    /// Three significant digits below 100, whole numbers (grouped) above.
    static func number(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return String(format: "%.3g", value) }
        if abs(value) >= 100 { return NumberFormat.grouped(Int(value.rounded())) }
        let text = String(format: abs(value) >= 10 ? "%.1f" : "%.2f", value)
        return text.hasSuffix(".00") ? String(text.dropLast(3)) : text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
