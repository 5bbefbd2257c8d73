import ConnectomeCore
import Foundation
import Synchronization

/// The Seatable side of the kernel: account tokens set with `token seatable=`, one client per
/// table (so a login is reused), and the annotation tables read (cached for 2 hours).
///
/// A table's account token is, first found: the one set in the kernel for the table's host, then
/// `CRANTTABLE_TOKEN`. Either goes only to the Seatable server of the current dataset, which is
/// `cloud.seatable.io` unless the user named another with `dataset crant seatable=` (a link or an
/// info service cannot change it).
final class SeatableState: Sendable {
    private let tokens = Mutex<[String: String]>([:])
    private let clients = Mutex<[SeatableTable: SeatableClient]>([:])
    let cache = AnnotationTableCache()

    /// Keeps `token` for `host` and forgets the logins made with another one.
    func setToken(_ token: String, host: String) {
        tokens.withLock { $0[host] = token }
        clients.withLock { $0 = $0.filter { $0.key.host != host } }
    }

    func token(forHost host: String) -> String? { tokens.withLock { $0[host] } }

    var hosts: [String] { tokens.withLock { $0.keys.sorted() } }

    func clearTokens() {
        tokens.withLock { $0.removeAll() }
        clients.withLock { $0.removeAll() }
    }

    /// The annotation reader of `table`.
    func annotations(_ table: SeatableTable, environment: KernelEnvironment) throws -> SeatableAnnotations {
        guard let transport = environment.transport else {
            throw ConnectomeError.network("this kernel has no network transport, so Seatable cannot be reached")
        }
        let client = clients.withLock { clients in
            if let client = clients[table] { return client }
            let host = table.host
            let fromEnvironment = environment.seatableToken
            let client = SeatableClient(table: table, transport: transport) { [weak self] in
                if let token = self?.token(forHost: host) { return (token, "token seatable=") }
                return fromEnvironment.map { ($0, "CRANTTABLE_TOKEN") }
            }
            clients[table] = client
            return client
        }
        return SeatableAnnotations(client: client, cache: cache)
    }
}
