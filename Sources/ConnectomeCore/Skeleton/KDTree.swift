/// A 3-D k-d tree over points for nearest-point look-ups (crantpy's `map_position_to_node`, scipy's cKDTree).
///
/// Flat and implicit: the points are stored once, in tree order, as (x, y, z, original index), and
/// node k of the tree covers a contiguous range of them whose children are nodes 2k+1 (the lower
/// half) and 2k+2 (the upper half); ranges of at most `leafSize` points are leaves, scanned instead
/// of split. Each split is at the median along the axis where the node's box (its parent's, cut at
/// the parent's split) is longest, found by selection on the points themselves, so a leaf's points
/// are adjacent in memory. Building and querying
/// use explicit stacks, never recursion, and a query allocates nothing.
///
/// Distances are compared squared, in double precision, as a brute-force scan computes them; ties go
/// to the lower original index (every subtree knows its lowest index, so an equally near subtree is
/// only visited when it could hold a lower one), so answers equal a brute-force scan exactly.
public struct KDTree: Sendable {
    /// The points in tree order; lane 3 is the original index (exact in a double below 2^53).
    private let points: [SIMD4<Double>]
    /// Per node (heap numbering): the split coordinate of an internal node.
    private let splits: [Double]
    /// Per node: the split axis 0, 1, 2 of an internal node; `leaf` for a leaf; `absent` past the tree.
    private let axes: [UInt8]
    /// Per node: the lowest original index in its range.
    private let lowestIndex: [Int32]
    /// The most nodes on a path from the root to a leaf.
    private let depth: Int

    /// Ranges this short are scanned instead of split.
    static let leafSize = 16
    private static let leaf: UInt8 = 3
    private static let absent: UInt8 = 4

    public var count: Int { points.count }

    public init(_ skeleton: Skeleton) {
        self.init(x: skeleton.x, y: skeleton.y, z: skeleton.z)
    }

    /// Points must be finite (skeletons check theirs); `x`, `y`, `z` must have the same count.
    public init(x: [Float], y: [Float], z: [Float]) {
        precondition(x.count == y.count && y.count == z.count && x.count < Int(Int32.max), "k-d tree coordinates disagree in count")
        let n = x.count
        var points = [SIMD4<Double>](repeating: .zero, count: n)
        for i in 0..<n { points[i] = SIMD4(Double(x[i]), Double(y[i]), Double(z[i]), Double(i)) }
        // Levels below the root: halving until a range is a leaf.
        var levels = 0, size = n
        while size > Self.leafSize { size = (size + 1) / 2; levels += 1 }
        let nodeCount = (1 << (levels + 1)) - 1
        var splits = [Double](repeating: 0, count: nodeCount)
        var axes = [UInt8](repeating: Self.absent, count: nodeCount)
        var lowest = [Int32](repeating: Int32.max, count: nodeCount)
        points.withUnsafeMutableBufferPointer { p in
            // Each node's box is its parent's, cut at the parent's split: no scan per node (the box
            // only chooses the axis; the search prunes by the splits, so answers do not depend on it).
            var lo = SIMD4<Double>(repeating: .infinity), hi = SIMD4<Double>(repeating: -.infinity)
            for point in p {
                lo = pointwiseMin(lo, point)
                hi = pointwiseMax(hi, point)
            }
            var stack: [(node: Int, low: Int, high: Int, lo: SIMD4<Double>, hi: SIMD4<Double>)] = [(0, 0, n, lo, hi)]
            while let (node, low, high, lo, hi) = stack.popLast() {
                if high - low <= Self.leafSize {
                    axes[node] = Self.leaf
                    var minimum = Int32.max
                    for position in low..<high { minimum = min(minimum, Int32(p[position].w)) }
                    lowest[node] = minimum
                    continue
                }
                let extent = hi - lo
                var axis = 0
                if extent.y > extent.x { axis = 1 }
                if extent.z > extent[axis] { axis = 2 }
                let middle = (low + high) / 2
                Self.select(middle, in: low..<high, axis: axis, p)
                let split = p[middle][axis]
                splits[node] = split
                axes[node] = UInt8(axis)
                var upperLo = lo, lowerHi = hi
                upperLo[axis] = split
                lowerHi[axis] = split
                stack.append((2 * node + 2, middle, high, upperLo, hi))
                stack.append((2 * node + 1, low, middle, lo, lowerHi))
            }
        }
        // Children come after their parent in heap order: fill internal nodes' lowest index backwards.
        for node in stride(from: nodeCount - 1, through: 0, by: -1) where axes[node] < Self.leaf {
            lowest[node] = min(lowest[2 * node + 1], lowest[2 * node + 2])
        }
        self.points = points
        self.splits = splits
        self.axes = axes
        self.lowestIndex = lowest
        self.depth = levels + 1
    }

    /// Quickselect on `p[range]` by coordinate `axis`: the point of rank `target` at `target`,
    /// smaller-or-equal ones before it, larger-or-equal after.
    ///
    /// Each round partitions around a median-of-three pivot with a branch-free pass (every element
    /// is swapped, the boundary moves by the comparison), so the cost does not depend on how well the
    /// processor guesses the comparisons. When the target falls among the elements not below the
    /// pivot, a second pass gathers those equal to it: a run of equal coordinates (nodes of one
    /// section share z) is then settled in one round instead of shrinking by one element per round.
    private static func select(_ target: Int, in range: Range<Int>, axis: Int, _ p: UnsafeMutableBufferPointer<SIMD4<Double>>) {
        var low = range.lowerBound, high = range.upperBound  // the target lies in low..<high
        while high - low > 1 {
            let a = p[low][axis], b = p[(low + high - 1) / 2][axis], c = p[high - 1][axis]
            let pivot = max(min(a, b), min(max(a, b), c))
            let below = partition(p, low, high, axis: axis, orEqual: false, pivot)
            if target < below { high = below; continue }
            // Elements from `below` on are ≥ pivot, and at least one equals it (the pivot is an element).
            let equal = partition(p, below, high, axis: axis, orEqual: true, pivot)
            if target < equal { return }
            low = equal
        }
    }

    /// Moves the elements of `p[low..<high]` whose coordinate `axis` is below `pivot` (or equal, with
    /// `orEqual`) to the front; returns the index of the first that is not.
    private static func partition(_ p: UnsafeMutableBufferPointer<SIMD4<Double>>, _ low: Int, _ high: Int,
                                  axis: Int, orEqual: Bool, _ pivot: Double) -> Int {
        // One loop per axis and comparison, so the lane is fixed and the loop has no branch inside.
        switch (axis, orEqual) {
        case (0, false): partition(p, low, high) { $0.x < pivot }
        case (1, false): partition(p, low, high) { $0.y < pivot }
        case (_, false): partition(p, low, high) { $0.z < pivot }
        case (0, true): partition(p, low, high) { $0.x <= pivot }
        case (1, true): partition(p, low, high) { $0.y <= pivot }
        case (_, true): partition(p, low, high) { $0.z <= pivot }
        }
    }

    /// Lomuto's partition without a branch: every element is swapped to the boundary, which moves
    /// by the comparison (0 or 1).
    @inline(__always)
    private static func partition(_ p: UnsafeMutableBufferPointer<SIMD4<Double>>, _ low: Int, _ high: Int,
                                  _ isBefore: (SIMD4<Double>) -> Bool) -> Int {
        guard let base = p.baseAddress else { return low }
        var store = low
        for index in low..<high {
            let value = base[index]
            base[index] = base[store]
            base[store] = value
            store &+= Int(unsafeBitCast(isBefore(value), to: UInt8.self))
        }
        return store
    }

    /// A subtree still to visit, with a lower bound of the squared distance from the query to it.
    private struct Pending {
        var node: Int32, low: Int32, high: Int32
        var bound: Double
    }

    /// The nearest point to `query` and its Euclidean distance; nil when the tree is empty or the query is not finite.
    public func nearest(to query: Point3) -> (index: Int, distance: Double)? {
        withStack { nearest(to: query, stack: $0) }
    }

    /// `nearest(to:)` for each query, in order (one stack for all of them).
    public func nearest(to queries: [Point3]) -> [(index: Int, distance: Double)?] {
        withStack { stack in queries.map { nearest(to: $0, stack: stack) } }
    }

    private func withStack<R>(_ body: (UnsafeMutableBufferPointer<Pending>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Pending.self, capacity: depth + 2) { body($0) }
    }

    private func nearest(to query: Point3, stack: UnsafeMutableBufferPointer<Pending>) -> (index: Int, distance: Double)? {
        guard !points.isEmpty, query.x.isFinite, query.y.isFinite, query.z.isFinite else { return nil }
        let q = SIMD4(query.x, query.y, query.z, 0)
        var best = Int32.max
        var bestDistance = Double.infinity
        points.withUnsafeBufferPointer { p in
            splits.withUnsafeBufferPointer { splits in
                axes.withUnsafeBufferPointer { axes in
                    lowestIndex.withUnsafeBufferPointer { lowest in
                        var top = 0
                        stack[0] = Pending(node: 0, low: 0, high: Int32(p.count), bound: 0)
                        top = 1
                        while top > 0 {
                            top -= 1
                            let pending = stack[top]
                            let node = Int(pending.node)
                            // An equally near subtree matters only if it may hold a lower index.
                            if pending.bound > bestDistance || (pending.bound == bestDistance && lowest[node] > best) { continue }
                            let axis = axes[node]
                            if axis == Self.leaf {
                                for position in Int(pending.low)..<Int(pending.high) {
                                    let point = p[position]
                                    let dx = point.x - q.x, dy = point.y - q.y, dz = point.z - q.z
                                    let d = dx * dx + dy * dy + dz * dz
                                    let index = Int32(point.w)
                                    if d < bestDistance || (d == bestDistance && index < best) {
                                        bestDistance = d
                                        best = index
                                    }
                                }
                                continue
                            }
                            let middle = (pending.low + pending.high) / 2
                            let difference = q[Int(axis)] - splits[node]
                            let farBound = max(pending.bound, difference * difference)
                            let lower = Pending(node: pending.node * 2 + 1, low: pending.low, high: middle, bound: pending.bound)
                            let upper = Pending(node: pending.node * 2 + 2, low: middle, high: pending.high, bound: pending.bound)
                            // The far side goes on the stack first, so the near side is searched first.
                            if difference < 0 {
                                stack[top] = Pending(node: upper.node, low: upper.low, high: upper.high, bound: farBound)
                                stack[top + 1] = lower
                            } else {
                                stack[top] = Pending(node: lower.node, low: lower.low, high: lower.high, bound: farBound)
                                stack[top + 1] = upper
                            }
                            top += 2
                        }
                    }
                }
            }
        }
        return (Int(best), bestDistance.squareRoot())
    }
}
