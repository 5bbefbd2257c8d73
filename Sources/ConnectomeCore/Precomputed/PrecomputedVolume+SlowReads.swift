import Foundation
import Logging

extension PrecomputedVolume {
    /// A chunk read slower than this is logged: one slow server or shard explains a slow cell.
    static let slowChunkSeconds = 1.0
    static let logger = Logger(label: "connectome.precomputed")

    /// `store.read`, timed; one clock reading before and after a chunk, nothing per voxel.
    func timedRead(_ key: String, range: Range<Int>?) async throws -> Data? {
        let start = ContinuousClock.now
        let data = try await store.read(key, range: range)
        let elapsed = start.duration(to: .now)
        if elapsed > .seconds(Self.slowChunkSeconds) {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            Self.logger.notice("slow chunk read", metadata: [
                "url": "\(url)/\(key)", "seconds": "\(String(format: "%.2f", seconds))",
                "bytes": "\(data?.count ?? 0)", "range": "\(range.map { "\($0)" } ?? "whole")",
            ])
        }
        return data
    }
}
