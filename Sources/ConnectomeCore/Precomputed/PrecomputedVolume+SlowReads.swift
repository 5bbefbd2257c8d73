import Foundation
import Logging

extension PrecomputedVolume {
    static let logger = Logger(label: "connectome.precomputed")

    /// `store.read` and the seconds it took: one clock reading before and after a chunk, nothing per voxel.
    func timedRead(_ key: String, range: Range<Int>?) async throws -> (Data?, Double) {
        let start = ContinuousClock.now
        let data = try await store.read(key, range: range)
        let elapsed = start.duration(to: .now).components
        return (data, Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }

    /// The chunk reads of one section or point read that took longer than `threshold`, logged as
    /// one line (a slow server or a shard explains a slow cell; one line per chunk would bury it).
    struct SlowReads {
        static let threshold = 1.0
        var count = 0
        var slowest = 0.0
        var chunk: ChunkIndex?

        mutating func note(_ seconds: Double, chunk: ChunkIndex) {
            guard seconds > Self.threshold else { return }
            count += 1
            if seconds > slowest { (slowest, self.chunk) = (seconds, chunk) }
        }

        func log(volume: String, mip: Int, of total: Int) {
            guard count > 0, let chunk else { return }
            PrecomputedVolume.logger.notice("slow chunk reads", metadata: [
                "volume": "\(volume)", "mip": "\(mip)", "slow": "\(count)", "of": "\(total)",
                "threshold_s": "\(Self.threshold)", "slowest_s": "\(String(format: "%.2f", slowest))",
                "slowest_chunk": "\(chunk)",
            ])
        }
    }
}
