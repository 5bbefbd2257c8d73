/// A 3-D k-d tree over points for nearest-point look-ups (crantpy's `map_position_to_node`, scipy's cKDTree).
///
/// Implicit layout: `order` is a permutation of the point indices in which every subtree is a
/// contiguous range whose middle element is the splitting point, so the tree is two arrays and no
/// pointers. Built by median splits along the axis of largest extent, O(n log n) expected;
/// building and querying use explicit stacks, never recursion. Ties go to the lower point index,
/// so answers equal a brute-force scan exactly.
public struct KDTree: Sendable {
    private let xs: [Double], ys: [Double], zs: [Double]
    private var order: [Int32]
    /// Splitting axis (0, 1, 2) of the subtree whose middle element sits at this position of `order`.
    private var axes: [UInt8]
    /// Ranges this short are scanned instead of split.
    private static let leafSize = 8

    public var count: Int { order.count }

    public init(_ skeleton: Skeleton) {
        self.init(x: skeleton.x, y: skeleton.y, z: skeleton.z)
    }

    /// Points must be finite (skeletons check theirs); `x`, `y`, `z` must have the same count.
    public init(x: [Float], y: [Float], z: [Float]) {
        precondition(x.count == y.count && y.count == z.count && x.count < Int(Int32.max), "k-d tree coordinates disagree in count")
        xs = x.map(Double.init)
        ys = y.map(Double.init)
        zs = z.map(Double.init)
        order = (0..<Int32(x.count)).map { $0 }
        axes = [UInt8](repeating: 0, count: x.count)
        build()
    }

    @inline(__always) private func coordinate(_ point: Int32, _ axis: UInt8) -> Double {
        switch axis {
        case 0: xs[Int(point)]
        case 1: ys[Int(point)]
        default: zs[Int(point)]
        }
    }

    private mutating func build() {
        var stack: [(Int, Int)] = [(0, order.count)]
        while let (low, high) = stack.popLast() {
            guard high - low > Self.leafSize else { continue }
            var minX = Double.infinity, minY = Double.infinity, minZ = Double.infinity
            var maxX = -Double.infinity, maxY = -Double.infinity, maxZ = -Double.infinity
            for position in low..<high {
                let point = Int(order[position])
                minX = min(minX, xs[point]); maxX = max(maxX, xs[point])
                minY = min(minY, ys[point]); maxY = max(maxY, ys[point])
                minZ = min(minZ, zs[point]); maxZ = max(maxZ, zs[point])
            }
            var axis: UInt8 = 0
            var extent = maxX - minX
            if maxY - minY > extent { axis = 1; extent = maxY - minY }
            if maxZ - minZ > extent { axis = 2 }
            let middle = (low + high) / 2
            select(middle, in: low..<high, axis: axis)
            axes[middle] = axis
            stack.append((low, middle))
            stack.append((middle + 1, high))
        }
    }

    /// Quickselect: puts the element of rank `target` at `target`, smaller-or-equal ones before it and
    /// larger-or-equal after. Three-way partitions, so runs of equal coordinates (nodes of one
    /// section share z) cost no more than distinct ones.
    private mutating func select(_ target: Int, in range: Range<Int>, axis: UInt8) {
        var low = range.lowerBound, high = range.upperBound - 1
        while low < high {
            let a = coordinate(order[low], axis), b = coordinate(order[(low + high) / 2], axis), c = coordinate(order[high], axis)
            let pivot = max(min(a, b), min(max(a, b), c))
            var less = low, index = low, greater = high
            while index <= greater {
                let value = coordinate(order[index], axis)
                if value < pivot {
                    order.swapAt(less, index)
                    less += 1
                    index += 1
                } else if value > pivot {
                    order.swapAt(index, greater)
                    greater -= 1
                } else {
                    index += 1
                }
            }
            if target < less { high = less - 1 } else if target > greater { low = greater + 1 } else { return }
        }
    }

    /// The nearest point to `query` and its Euclidean distance; nil when the tree is empty or the query is not finite.
    public func nearest(to query: Point3) -> (index: Int, distance: Double)? {
        guard !order.isEmpty, query.x.isFinite, query.y.isFinite, query.z.isFinite else { return nil }
        let q = [query.x, query.y, query.z]
        var best = Int32.max
        var bestDistance = Double.infinity
        @inline(__always) func consider(_ point: Int32) {
            let dx = xs[Int(point)] - q[0], dy = ys[Int(point)] - q[1], dz = zs[Int(point)] - q[2]
            let d = dx * dx + dy * dy + dz * dz
            if d < bestDistance || (d == bestDistance && point < best) {
                bestDistance = d
                best = point
            }
        }
        // (range, lower bound of the squared distance from the query to anything in it)
        var stack: [(Int, Int, Double)] = [(0, order.count, 0)]
        while let (low, high, bound) = stack.popLast() {
            guard bound <= bestDistance else { continue }
            if high - low <= Self.leafSize {
                for position in low..<high { consider(order[position]) }
                continue
            }
            let middle = (low + high) / 2
            let axis = axes[middle]
            consider(order[middle])
            let difference = q[Int(axis)] - coordinate(order[middle], axis)
            let farBound = max(bound, difference * difference)
            if difference < 0 {
                stack.append((middle + 1, high, farBound))
                stack.append((low, middle, bound))
            } else {
                stack.append((low, middle, farBound))
                stack.append((middle + 1, high, bound))
            }
        }
        return (Int(best), bestDistance.squareRoot())
    }

    /// `nearest(to:)` for each query, in order.
    public func nearest(to queries: [Point3]) -> [(index: Int, distance: Double)?] {
        queries.map { nearest(to: $0) }
    }
}
