/// A 3-D k-d tree over points for nearest-point look-ups (crantpy's `map_position_to_node`, scipy's cKDTree).
///
/// Flat and implicit: the points are stored once, in tree order, as 16-byte vectors (x, y, z as the
/// skeleton's floats, and the original index's bits in the last lane), and
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
    /// A point: x, y, z, and in lane 3 the bits of its original index (moved, never computed with,
    /// and below 0x7F80_0000, so never the bits of an infinity or a NaN).
    typealias Entry = SIMD4<Float>

    /// The points in tree order.
    private let points: [Entry]
    /// Per node (heap numbering): the split coordinate of an internal node.
    private let splits: [Float]
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
        precondition(x.count == y.count && y.count == z.count && x.count < 0x7F80_0000, "k-d tree coordinates disagree in count")
        let n = x.count
        var points = [Entry](repeating: .zero, count: n)
        for i in 0..<n { points[i] = Entry(x[i], y[i], z[i], Float(bitPattern: UInt32(i))) }
        // Levels below the root: halving until a range is a leaf.
        var levels = 0, size = n
        while size > Self.leafSize { size = (size + 1) / 2; levels += 1 }
        let nodeCount = (1 << (levels + 1)) - 1
        var splits = [Float](repeating: 0, count: nodeCount)
        var axes = [UInt8](repeating: Self.absent, count: nodeCount)
        var lowest = [Int32](repeating: Int32.max, count: nodeCount)
        points.withUnsafeMutableBufferPointer { p in
            splits.withUnsafeMutableBufferPointer { splits in
                axes.withUnsafeMutableBufferPointer { axes in
                    lowest.withUnsafeMutableBufferPointer { lowest in
                        let build = Build(points: p, splits: splits, axes: axes, lowest: lowest)
                        // Each node's box is its parent's, cut at the parent's split: no scan per node (the box
                        // only chooses the axis; the search prunes by the splits, so answers do not depend on it).
                        var lo = SIMD3<Float>(repeating: .infinity), hi = SIMD3<Float>(repeating: -.infinity)
                        for i in 0..<n {
                            let v = SIMD3(x[i], y[i], z[i])
                            lo = pointwiseMin(lo, v)
                            hi = pointwiseMax(hi, v)
                        }
                        // The top splits one after the other, until there are `subtrees` ranges; then those
                        // subtrees in parallel. They own disjoint points and nodes, and a node's split depends
                        // only on the points of its range, so the tree is the same in any order.
                        var frontier = [BuildRange(node: 0, low: 0, high: n, lo: lo, hi: hi)]
                        if n >= Self.parallelPoints {
                            while frontier.count < Self.subtrees, let index = frontier.firstIndex(where: { $0.high - $0.low > Self.leafSize }) {
                                let range = frontier.remove(at: index)
                                if let (lower, upper) = build.split(range) { frontier += [lower, upper] }
                            }
                        }
                        _ = ParallelWork.map(frontier) { build.subtree($0) }
                    }
                }
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

    /// Trees of at least this many points are built by `subtrees` tasks in parallel.
    static let parallelPoints = 32_768
    static let subtrees = 4

    /// A range of the points still to build a subtree over: its node, and its box.
    struct BuildRange: Sendable {
        var node: Int, low: Int, high: Int
        var lo: SIMD3<Float>, hi: SIMD3<Float>
    }

    /// The tree's storage while it is built, shared by the tasks that build disjoint subtrees.
    private struct Build: @unchecked Sendable {
        let points: UnsafeMutableBufferPointer<Entry>
        let splits: UnsafeMutableBufferPointer<Float>
        let axes: UnsafeMutableBufferPointer<UInt8>
        let lowest: UnsafeMutableBufferPointer<Int32>

        /// Builds the whole subtree of `root`, depth first with an explicit stack.
        func subtree(_ root: BuildRange) {
            var stack = [root]
            while let range = stack.popLast() {
                guard let (lower, upper) = split(range) else { continue }
                stack.append(upper)
                stack.append(lower)
            }
        }

        /// Makes `range` a leaf (nil) or splits it at the median along the longest side of its box,
        /// returning its lower and upper halves.
        func split(_ range: BuildRange) -> (BuildRange, BuildRange)? {
            let (node, low, high, lo, hi) = (range.node, range.low, range.high, range.lo, range.hi)
            if high - low <= KDTree.leafSize {
                axes[node] = KDTree.leaf
                var minimum = Int32.max
                for position in low..<high { minimum = min(minimum, KDTree.index(points[position])) }
                lowest[node] = minimum
                return nil
            }
            let extent = hi - lo
            var axis = 0
            if extent.y > extent.x { axis = 1 }
            if extent.z > extent[axis] { axis = 2 }
            let middle = (low + high) / 2
            KDTree.select(middle, in: low..<high, axis: axis, points)
            let split = KDTree.coordinate(points[middle], axis)
            splits[node] = split
            axes[node] = UInt8(axis)
            var upperLo = lo, lowerHi = hi
            upperLo[axis] = split
            lowerHi[axis] = split
            return (BuildRange(node: 2 * node + 1, low: low, high: middle, lo: lo, hi: lowerHi),
                    BuildRange(node: 2 * node + 2, low: middle, high: high, lo: upperLo, hi: hi))
        }
    }

    /// Quickselect on `p[range]` by coordinate `axis`: the point of rank `target` at `target`,
    /// smaller-or-equal ones before it, larger-or-equal after.
    ///
    /// Each round partitions around a median-of-three pivot (a ninther on long ranges) with a branch-free pass (every element
    /// is swapped, the boundary moves by the comparison), so the cost does not depend on how well the
    /// processor guesses the comparisons. When the target falls among the elements not below the
    /// pivot, a second pass gathers those equal to it: a run of equal coordinates (nodes of one
    /// section share z) is then settled in one round instead of shrinking by one element per round.
    private static func select(_ target: Int, in range: Range<Int>, axis: Int, _ p: UnsafeMutableBufferPointer<Entry>) {
        var low = range.lowerBound, high = range.upperBound  // the target lies in low..<high
        while high - low > 1 {
            let pivot: Float
            if high - low > 512 {
                // Tukey's ninther: the median of three medians of three, spread over the range.
                let step = (high - low) / 9
                func median(_ first: Int) -> Float {
                    median3(coordinate(p[first], axis), coordinate(p[first + step], axis), coordinate(p[first + 2 * step], axis))
                }
                pivot = median3(median(low), median(low + 3 * step), median(low + 6 * step))
            } else {
                pivot = median3(coordinate(p[low], axis), coordinate(p[(low + high - 1) / 2], axis), coordinate(p[high - 1], axis))
            }
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
    private static func partition(_ p: UnsafeMutableBufferPointer<Entry>, _ low: Int, _ high: Int,
                                  axis: Int, orEqual: Bool, _ pivot: Float) -> Int {
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
    private static func partition(_ p: UnsafeMutableBufferPointer<Entry>, _ low: Int, _ high: Int,
                                  _ isBefore: (Entry) -> Bool) -> Int {
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

    @inline(__always) private static func coordinate(_ entry: Entry, _ axis: Int) -> Float {
        axis == 0 ? entry.x : axis == 1 ? entry.y : entry.z
    }

    @inline(__always) private static func median3(_ a: Float, _ b: Float, _ c: Float) -> Float { max(min(a, b), min(max(a, b), c)) }

    @inline(__always) private static func index(_ entry: Entry) -> Int32 { Int32(bitPattern: entry.w.bitPattern) }

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
                                    let dx = Double(point.x) - q.x, dy = Double(point.y) - q.y, dz = Double(point.z) - q.z
                                    let d = dx * dx + dy * dy + dz * dz
                                    let index = Self.index(point)
                                    if d < bestDistance || (d == bestDistance && index < best) {
                                        bestDistance = d
                                        best = index
                                    }
                                }
                                continue
                            }
                            let middle = (pending.low + pending.high) / 2
                            let difference = q[Int(axis)] - Double(splits[node])
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
