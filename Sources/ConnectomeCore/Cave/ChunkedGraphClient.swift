import Foundation

/// The chunked-graph calls of a CAVE datastack (PyChunkedGraph `segmentation/api/v1/table/<t>`):
/// is an ID current, what are the roots of supervoxels, what are a root's leaves.
///
/// Timestamps are sent as Unix seconds (UTC), the only form the server reads (crantpy's direct
/// `is_latest_roots` sends a local-time ISO string and fails with 400). Zeros are never sent:
/// 0 is no segment, its answer is known (not latest, root 0). Repeated IDs are asked once.
public struct ChunkedGraphClient: Sendable {
    public let client: CaveClient
    /// `{local}/segmentation/api/v1/table/{t}`.
    public let base: String
    public let table: String

    public init(client: CaveClient, localServer: String, table: String) {
        self.client = client
        self.table = table
        self.base = CaveDatastack.trimmed(localServer) + "/segmentation/api/v1/table/" + table
    }

    public init(client: CaveClient, datastack: CaveDatastack) throws(ConnectomeError) {
        guard let table = datastack.graphTable else {
            throw ConnectomeError.unsupported(
                "the segmentation of datastack \(datastack.name) is not a chunked graph (\(datastack.segmentationSource.prefix(120)))",
                hint: "Chunked-graph commands need a graphene:// segmentation")
        }
        self.init(client: client, localServer: datastack.localServer, table: table)
    }

    /// Whether each ID is a current root at `at` (`is_latest_roots`, in batches of 100,000); 0 is not.
    public func isLatest(_ ids: [SegmentID], at: Date) async throws -> [Bool] {
        try Self.checkCount(ids.count, what: "IDs")
        let distinct = Self.distinctNonzero(ids)
        var answers: [Bool] = []
        for start in stride(from: 0, to: distinct.ids.count, by: CaveLimits.isLatestBatch) {
            try Task.checkCancellation()
            let batch = distinct.ids[start..<min(start + CaveLimits.isLatestBatch, distinct.ids.count)]
            let url = base + "/is_latest_roots?timestamp=" + ChunkedGraphDecoding.timestampParameter(at)
            let body = try await client.post(url, body: ChunkedGraphDecoding.nodeIDsBody(batch), contentType: "application/json",
                                             what: "is_latest_roots")
            Self.append(try ChunkedGraphDecoding.isLatest(body, count: batch.count, source: "is_latest_roots from \(base)"), to: &answers)
        }
        return Self.inGivenOrder(answers, distinct.slots, zero: false)
    }

    /// The root of each supervoxel (or node) at `at` (`roots_binary`, in batches); 0 stays 0, and
    /// the server's 0 means "no root" (an unknown supervoxel).
    public func roots(_ nodes: [SegmentID], at: Date, stopLayer: Int? = nil,
                      batchSize: Int = CaveLimits.rootsBatch) async throws -> [SegmentID] {
        try Self.checkCount(nodes.count, what: "supervoxels")
        let distinct = Self.distinctNonzero(nodes)
        var answers: [SegmentID] = []
        var query = "?timestamp=" + ChunkedGraphDecoding.timestampParameter(at)
        if let stopLayer { query += "&stop_layer=\(stopLayer)" }
        for start in stride(from: 0, to: distinct.ids.count, by: batchSize) {
            try Task.checkCancellation()
            let batch = distinct.ids[start..<min(start + batchSize, distinct.ids.count)]
            let body = try await client.post(base + "/roots_binary" + query, body: ChunkedGraphDecoding.binaryBody(batch),
                                             contentType: "application/octet-stream", what: "roots_binary",
                                             maxBytes: batch.count * 8, compress: false)
            Self.append(try ChunkedGraphDecoding.binaryIDs(body, count: batch.count, source: "roots_binary from \(base)"), to: &answers)
        }
        return Self.inGivenOrder(answers, distinct.slots, zero: SegmentID(rawValue: 0))
    }

    /// The leaves of `node` down to `stopLayer` (1 = supervoxels), optionally inside `bounds`
    /// (voxel ranges x, y, z at the graph's resolution, half-open).
    public func leaves(_ node: SegmentID, stopLayer: Int = 1, bounds: LeafBounds? = nil) async throws -> [SegmentID] {
        guard node.rawValue != 0 else {
            throw ConnectomeError.argument("0 is not a segment and has no supervoxels", hint: "Give a root ID")
        }
        var url = base + "/node/\(node.rawValue)/leaves?stop_layer=\(stopLayer)"
        if let bounds { url += "&bounds=" + bounds.queryValue }
        let body = try await client.get(url, what: "the leaves of \(node.rawValue)")
        return try ChunkedGraphDecoding.leafIDs(body, source: "leaves of \(node.rawValue) from \(base)")
    }

    /// CAVEclient's `suggest_latest_roots`: the current roots that `root`'s level-`stopLayer` nodes
    /// belong to at `at`, most shared first (ties: larger ID first), with the fraction of nodes each holds.
    public func suggestLatestRoots(_ root: SegmentID, at: Date, stopLayer: Int) async throws -> [(root: SegmentID, fraction: Double)] {
        let chunks = try await leaves(root, stopLayer: stopLayer)
        guard !chunks.isEmpty else { return [] }
        let current = try await roots(chunks, at: at)
        var counts: [SegmentID: Int] = [:]
        for id in current where id.rawValue != 0 { counts[id, default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key > $1.key }
            .map { ($0.key, Double($0.value) / Double(chunks.count)) }
    }

    // MARK: - Helpers

    /// A batch's answers after the earlier ones; the first batch is taken as it is (most calls
    /// are one batch, and copying 100,000 roots into a reserved array was a tenth of the call).
    static func append<Element>(_ batch: [Element], to answers: inout [Element]) {
        if answers.isEmpty { answers = batch } else { answers += batch }
    }

    /// The answers for the distinct IDs, mapped back to every given ID (`zero` for 0). When as many
    /// were asked as given, every slot is its own position, so the answers are already in order.
    static func inGivenOrder<Element>(_ answers: [Element], _ slots: [Int32], zero: Element) -> [Element] {
        if answers.count == slots.count { return answers }
        return slots.map { $0 < 0 ? zero : answers[Int($0)] }
    }

    static func uniqueNonzero(_ ids: [SegmentID]) -> [SegmentID] {
        distinctNonzero(ids).ids
    }

    /// The distinct nonzero IDs in first-seen order (what is asked), and for each given ID its
    /// place among them, -1 for 0 (how the answers map back). `checkCount` bounds the count first,
    /// so places fit in 32 bits.
    ///
    /// Open addressing over 4-byte slots (the place + 1; the key is read back from the distinct
    /// IDs): 100,000 IDs probe a 1 MiB table, where SipHash sets took most of a call and 16-byte
    /// slots missed the cache on every probe.
    static func distinctNonzero(_ ids: [SegmentID]) -> (ids: [SegmentID], slots: [Int32]) {
        precondition(ids.count < Int(Int32.max), "more IDs than checkCount allows")
        if let increasing = strictlyIncreasing(ids) { return increasing }
        return hashedDistinctNonzero(ids)
    }

    /// IDs in strictly increasing order (a sorted table's, a range) are distinct already: their
    /// places are their positions, with the zero (only ever first) left out. Nil for any other order;
    /// one comparison an ID, stopping at the first that is out of order.
    static func strictlyIncreasing(_ ids: [SegmentID]) -> (ids: [SegmentID], slots: [Int32])? {
        guard ids.count >= 2 else { return nil }
        let increasing = ids.withUnsafeBufferPointer { buffer in
            var previous = buffer[0].rawValue
            for index in 1..<buffer.count {
                let next = buffer[index].rawValue
                guard next > previous else { return false }
                previous = next
            }
            return true
        }
        guard increasing else { return nil }
        if ids[0].rawValue == 0 {
            return (Array(ids.dropFirst()), identitySlots(ids.count, zeroFirst: true))
        }
        return (ids, identitySlots(ids.count, zeroFirst: false))
    }

    /// 0, 1, 2, … for `count` IDs (-1, 0, 1, … when the first is the zero), written in one loop:
    /// `Array(0..<n)` copied the range element by element, 3 % of a 100,000-ID `roots` cell.
    static func identitySlots(_ count: Int, zeroFirst: Bool) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: count) { slots, initialized in
            let shift: Int32 = zeroFirst ? -1 : 0
            for index in 0..<count { slots[index] = Int32(truncatingIfNeeded: index) &+ shift }
            initialized = count
        }
    }

    /// The general case of `distinctNonzero`, any order, repeats and zeros anywhere.
    static func hashedDistinctNonzero(_ ids: [SegmentID]) -> (ids: [SegmentID], slots: [Int32]) {
        var size = 16
        while size < ids.count * 2 { size <<= 1 }
        let mask = size - 1
        var table = [UInt32](repeating: 0, count: size)
        var keys: [UInt64] = []
        keys.reserveCapacity(ids.count)
        var slots = [Int32](repeating: -1, count: ids.count)
        table.withUnsafeMutableBufferPointer { table in
            slots.withUnsafeMutableBufferPointer { slots in
                for position in ids.indices {
                    let id = ids[position].rawValue
                    guard id != 0 else { continue }
                    var slot = Int(truncatingIfNeeded: mix64(id)) & mask
                    while true {
                        let entry = table[slot]
                        if entry == 0 {
                            table[slot] = UInt32(truncatingIfNeeded: keys.count + 1)
                            slots[position] = Int32(truncatingIfNeeded: keys.count)
                            keys.append(id)
                            break
                        }
                        if keys[Int(entry) - 1] == id {
                            slots[position] = Int32(truncatingIfNeeded: Int(entry) - 1)
                            break
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
        return (keys.map { SegmentID(rawValue: $0) }, slots)
    }

    static func checkCount(_ count: Int, what: String) throws(ConnectomeError) {
        guard count <= CaveLimits.maxIDs else {
            throw ConnectomeError.argument("\(count) \(what) is more than one command asks the chunked graph about (at most \(CaveLimits.maxIDs))",
                                           hint: "Split the IDs into parts")
        }
    }
}
