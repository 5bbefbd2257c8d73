import Foundation
import Testing
@testable import ConnectomeCore

/// The k-d tree against a brute-force scan on random points (ties to the lower index in both).
@Suite struct KDTreeTests {
    /// A small deterministic generator (splitmix64), so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

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
}
