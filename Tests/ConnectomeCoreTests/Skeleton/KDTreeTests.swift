import Foundation
import Testing
@testable import ConnectomeCore

/// The k-d tree against a brute-force scan on random points (ties to the lower index in both).
@Suite struct KDTreeTests {
    typealias Random = SplitMix64

    static func bruteForce(_ x: [Float], _ y: [Float], _ z: [Float], _ q: Point3) -> (Int, Double) {
        var best = -1, bestDistance = Double.infinity
        for i in x.indices {
            let dx = Double(x[i]) - q.x, dy = Double(y[i]) - q.y, dz = Double(z[i]) - q.z
            let d = dx * dx + dy * dy + dz * dz
            if d < bestDistance { best = i; bestDistance = d }
        }
        return (best, bestDistance.squareRoot())
    }

    @Test(arguments: [1, 2, 7, 9, 100, 5_000])
    func matchesBruteForce(count: Int) {
        var random = Random(state: UInt64(count))
        let x = (0..<count).map { _ in Float(random.unit() * 20_000) }
        let y = (0..<count).map { _ in Float(random.unit() * 20_000) }
        let z = (0..<count).map { _ in Float(random.unit() * 3_000) }
        let tree = KDTree(x: x, y: y, z: z)
        for _ in 0..<300 {
            let q = Point3(random.unit() * 24_000 - 2_000, random.unit() * 24_000 - 2_000, random.unit() * 4_000 - 500)
            let (index, distance) = Self.bruteForce(x, y, z, q)
            guard let hit = tree.nearest(to: q) else { Issue.record("no answer"); return }
            guard hit.index == index, hit.distance == distance else {
                Issue.record("query \(q): tree \(hit), brute force (\(index), \(distance))")
                return
            }
        }
    }

    @Test func gridsWithManyEqualCoordinates() {
        // Nodes of one section share z, trunks share x: runs of equal values must not slow or confuse the split.
        var x: [Float] = [], y: [Float] = [], z: [Float] = []
        for i in 0..<20 { for j in 0..<20 { for k in 0..<5 { x.append(Float(i * 8)); y.append(Float(j * 8)); z.append(Float(k * 42)) } } }
        let tree = KDTree(x: x, y: y, z: z)
        var random = Random(state: 42)
        for _ in 0..<500 {
            let q = Point3((random.unit() * 170).rounded(), (random.unit() * 170).rounded(), (random.unit() * 200).rounded())
            let (index, distance) = Self.bruteForce(x, y, z, q)
            let hit = tree.nearest(to: q)
            #expect(hit?.index == index && hit?.distance == distance, "query \(q)")
        }
        // Exact hits and duplicates: the lowest index wins.
        let duplicates = KDTree(x: [5, 1, 5, 5], y: [5, 1, 5, 5], z: [5, 1, 5, 5])
        #expect(duplicates.nearest(to: Point3(5, 5, 5))?.index == 0)
    }

    @Test func emptyTreesAndBadQueries() {
        #expect(KDTree(x: [], y: [], z: []).nearest(to: Point3(0, 0, 0)) == nil)
        #expect(KDTree(x: [1], y: [1], z: [1]).nearest(to: Point3(.infinity, 0, 0)) == nil)
        #expect(KDTree(x: [1], y: [2], z: [3]).nearest(to: Point3(1, 2, 7))?.distance == 4)
    }

    @Test func aHundredThousandNodes() {
        var random = Random(state: 7)
        let n = 100_000
        let x = (0..<n).map { _ in Float(random.unit() * 500_000) }
        let y = (0..<n).map { _ in Float(random.unit() * 300_000) }
        let z = (0..<n).map { _ in Float(random.unit() * 100_000) }
        let tree = KDTree(x: x, y: y, z: z)
        for _ in 0..<50 {
            let q = Point3(random.unit() * 500_000, random.unit() * 300_000, random.unit() * 100_000)
            let (index, _) = Self.bruteForce(x, y, z, q)
            #expect(tree.nearest(to: q)?.index == index)
        }
    }

    /// Every query against the brute force: index (lowest on ties) and distance, one by one and as a batch.
    static func expectBruteForce(_ x: [Float], _ y: [Float], _ z: [Float], _ queries: [Point3],
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        let tree = KDTree(x: x, y: y, z: z)
        let batch = tree.nearest(to: queries)
        #expect(batch.count == queries.count, sourceLocation: sourceLocation)
        for (q, hit) in zip(queries, batch) {
            let (index, distance) = Self.bruteForce(x, y, z, q)
            guard let hit, hit.index == index, hit.distance == distance,
                  let single = tree.nearest(to: q), single.index == index, single.distance == distance else {
                Issue.record("query \(q): tree \(String(describing: hit)), brute force (\(index), \(distance))",
                             sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// Queries near the points (some exactly on them) and scattered over their box.
    static func queries(near x: [Float], _ y: [Float], _ z: [Float], count: Int, random: inout Random) -> [Point3] {
        (0..<count).map { k in
            let i = Int(random.next() % UInt64(x.count))
            if k % 4 == 0 { return Point3(Double(x[i]), Double(y[i]), Double(z[i])) }
            let spread = k % 4 == 1 ? 3.0 : 2_000.0
            return Point3(Double(x[i]) + (random.unit() - 0.5) * spread, Double(y[i]) + (random.unit() - 0.5) * spread,
                          Double(z[i]) + (random.unit() - 0.5) * spread)
        }
    }

    @Test(arguments: [15, 16, 17, 31, 32, 33, 257])
    func sizesAroundTheLeafSize(count: Int) {
        var random = Random(state: UInt64(count) &* 31)
        let x = (0..<count).map { _ in Float(random.unit() * 1_000) }
        let y = (0..<count).map { _ in Float(random.unit() * 1_000) }
        let z = (0..<count).map { _ in Float(random.unit() * 1_000) }
        Self.expectBruteForce(x, y, z, Self.queries(near: x, y, z, count: 200, random: &random))
    }

    @Test(arguments: [1, 16, 17, 1_000])
    func allPointsEqual(count: Int) {
        let x = [Float](repeating: 12.5, count: count), y = [Float](repeating: -3, count: count), z = [Float](repeating: 40, count: count)
        let tree = KDTree(x: x, y: y, z: z)
        // Every point is as near as every other: the first one answers.
        #expect(tree.nearest(to: Point3(12.5, -3, 40))?.index == 0)
        #expect(tree.nearest(to: Point3(100, 100, 100))?.index == 0)
        var random = Random(state: 5)
        Self.expectBruteForce(x, y, z, (0..<50).map { _ in Point3(random.unit() * 100, random.unit() * 100, random.unit() * 100) })
    }

    @Test func duplicatesInClusters() {
        // 300 distinct positions, each repeated 1 to 7 times at scattered indices.
        var random = Random(state: 11)
        var x: [Float] = [], y: [Float] = [], z: [Float] = []
        for _ in 0..<300 {
            let p = (Float(random.unit() * 5_000), Float(random.unit() * 5_000), Float((random.unit() * 10).rounded() * 40))
            for _ in 0..<(1 + Int(random.next() % 7)) { x.append(p.0); y.append(p.1); z.append(p.2) }
        }
        var order = Array(x.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        x = order.map { x[$0] }; y = order.map { y[$0] }; z = order.map { z[$0] }
        Self.expectBruteForce(x, y, z, Self.queries(near: x, y, z, count: 600, random: &random))
    }

    @Test func colinearPoints() {
        var random = Random(state: 13)
        // Along x only, along a diagonal, and along a line in z with x and y fixed.
        let n = 2_000
        let t = (0..<n).map { _ in Float((random.unit() * 10_000).rounded()) }
        for (x, y, z) in [(t, [Float](repeating: 7, count: n), [Float](repeating: 7, count: n)),
                          (t, t, t),
                          ([Float](repeating: 0, count: n), [Float](repeating: 0, count: n), t)] {
            Self.expectBruteForce(x, y, z, Self.queries(near: x, y, z, count: 300, random: &random))
        }
    }

    @Test func aRandomWalkLikeASkeleton() throws {
        // Consecutive nodes about 500 nm apart: the shape of a traced neuron, where neighbours in
        // index order are neighbours in space.
        var random = Random(state: 17)
        var x: [Float] = [0], y: [Float] = [0], z: [Float] = [0]
        for _ in 1..<20_000 {
            x.append(x.last! + Float((random.unit() - 0.45) * 600))
            y.append(y.last! + Float((random.unit() - 0.5) * 600))
            z.append(z.last! + Float(((random.unit() - 0.5) * 3).rounded() * 40))
        }
        Self.expectBruteForce(x, y, z, Self.queries(near: x, y, z, count: 1_000, random: &random))
        // The skeleton's scan (a few positions) agrees with the tree (many).
        let skeleton = try Skeleton(parents: [-1] + Array(0..<(x.count - 1)), x: x, y: y, z: z)
        let tree = KDTree(skeleton)
        for q in Self.queries(near: x, y, z, count: 200, random: &random) {
            let scanned = skeleton.nearestNodeByScan(q), searched = tree.nearest(to: q)
            #expect(scanned?.index == searched?.index && scanned?.distance == searched?.distance, "query \(q)")
        }
        #expect(skeleton.nearestNodeByScan(Point3(.nan, 0, 0)) == nil)
        // nearestNodes scans for a few positions and builds a tree for many: the same answers.
        let positions = Self.queries(near: x, y, z, count: 40, random: &random)
        let many = try skeleton.nearestNodes(to: positions)
        let oneByOne = try positions.flatMap { try skeleton.nearestNodes(to: [$0]) }
        #expect(many.map(\.index) == oneByOne.map(\.index))
        #expect(many.map(\.distance) == oneByOne.map(\.distance))
    }
}
