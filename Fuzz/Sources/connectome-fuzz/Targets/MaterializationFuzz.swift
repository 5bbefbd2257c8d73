@testable import ConnectomeCore
import Foundation

extension FuzzTarget {
    /// A materialization answer: the first byte picks how it is read (even: as `data.arrow`, an Arrow
    /// IPC stream with any buffer codec; odd: as `application/json` rows), the rest is the body. A
    /// table that decodes then goes through what `synapses` does with it: a synapse table, the
    /// positions in viewer voxels, the connectivity queries. Every failure must be a `ConnectomeError`.
    static let materialization = FuzzTarget(name: "materialization", summary: "materialization answers: Arrow IPC streams and JSON rows") { data in
        guard let selector = data.first else { return }
        let body = Data(data.dropFirst())
        let type = selector & 1 == 0 ? "data.arrow" : "application/json"
        let table: DataTable
        do {
            let answer = try MaterializationDecoding.answer(HTTPResponse(status: 200, headers: ["content-type": type], body: body, url: "memory://fuzz"),
                                                            url: "memory://fuzz/query")
            table = try CaveNeuronSource.viewerPositions(answer.table, tableResolution: [1, 1, 1], viewerResolution: [8, 8, 42])
        } catch {
            expectConnectomeError(error, "materialization decode")
            return
        }
        do {
            let synapses = try SynapseTable(table, name: "fuzz")
            let ids = try synapses.table.idKeys("pre")
            let some = (0..<min(synapses.table.rowCount, 4)).compactMap { ids.key($0) }.map { SegmentID(rawValue: $0) }
            _ = try synapses.partners(of: some, direction: .both)
            _ = try synapses.synapses(.touching(some), minSize: 1)
        } catch {
            expectConnectomeError(error, "materialization synapses")
        }
    }
}
