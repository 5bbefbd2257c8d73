@testable import ConnectomeCore
import Foundation
import JSONModel

extension FuzzTarget {
    /// A CAVE server's answer, fed to every decoder the kernel has for one (the input is the whole body,
    /// so the JSON mutator can rewrite it): the info service's datastack (then its graphene URL, table and
    /// dataset), a chunked graph's `info` (then the watershed's scales), `is_latest_roots` (with the count
    /// sent matching the answer's and not), `leaves`, a `roots_binary` uint64 body (exact and one ID short),
    /// middle_auth's 401 / 403 bodies and PCG's error message; the text as a graphene URL and as leaf bounds.
    static let cave = FuzzTarget(name: "cave", summary: "CAVE answers: datastack info, chunked-graph info, is_latest, leaves, roots_binary",
                                 json: .whole) { data in
        let source = "memory://fuzz/cave"
        do {
            let datastack = try CaveDatastack.decode(data, server: "https://cave.example.org", name: "fuzz")
            _ = datastack.graphTable
            _ = datastack.dataset(base: .crant)
            if let graphene = try? GrapheneSource(parsing: datastack.neuroglancerSegmentation) { _ = graphene.infoURL }
        } catch {
            expectConnectomeError(error, "cave datastack")
        }
        do {
            let info = try GrapheneInfo.decode(data, source: source)
            for scale in info.watershed.scales.prefix(4) { _ = scale.grid.gridSize }
        } catch {
            expectConnectomeError(error, "cave graphene info")
        }
        let entries = (try? JSONValue.parse(data))?["is_latest"]?.arrayValue?.count ?? 1
        for count in [entries, entries + 1] {
            do { _ = try ChunkedGraphDecoding.isLatest(data, count: count, source: source) } catch {
                expectConnectomeError(error, "cave is_latest")
            }
        }
        do { _ = try ChunkedGraphDecoding.leafIDs(data, source: source) } catch { expectConnectomeError(error, "cave leaves") }
        for count in [data.count / 8, data.count / 8 + 1] {
            do { _ = try ChunkedGraphDecoding.binaryIDs(data, count: count, source: source) } catch {
                expectConnectomeError(error, "cave roots_binary")
            }
        }
        let credentials = CaveCredentials(server: "https://cave.example.org", secrets: CaveSecrets(directory: "/nonexistent"))
        _ = CaveAuthError.forbidden(host: "cave.example.org", url: source, body: data)
        _ = CaveAuthError.unauthorized(host: "cave.example.org", url: source, body: data, credentials: credentials, sentToken: true)
        _ = CaveClient.serverMessage(data)
        let text = String(decoding: data, as: UTF8.self)
        _ = try? GrapheneSource(parsing: text)
        _ = try? LeafBounds(parsing: text).queryValue
    }
}
