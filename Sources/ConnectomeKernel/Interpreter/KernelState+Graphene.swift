import ConnectomeCore
import Foundation

extension KernelState {
    /// Opens (once) the `graphene://` segmentation at `url`: its chunked graph's info, read with the
    /// CAVE token, and the watershed volume it names, read without one.
    ///
    /// Kept per URL and CAVE server. The token is chosen by `CaveCredentials` for the datastack of the current dataset when there is
    /// one (its info service named this source, so an unrelated host gets only its own token), else for
    /// the graphene server itself (the user typed the URL, as they type `dataset cave server=`).
    func graphene(url: String) async throws -> GrapheneSegmentation {
        let source = try GrapheneSource(parsing: url)
        let name = dataset.name
        let server = cave.target.withLock { $0?.datasetName == name ? $0?.server : nil } ?? source.server
        let key = server + " " + url
        if let open = grapheneSegmentations.withLock({ $0[key] }) { return open }
        let client = try CaveCommands.client(self, server: server)
        guard try client.credentials.token(for: source.infoURL) != nil else {
            throw CaveAuthError.noToken(server: server, secrets: environment.caveSecrets, dataset: name)
        }
        let segmentation = try await GrapheneSegmentation.open(source, client: client, transport: environment.transport,
                                                               cache: chunkCache)
        grapheneSegmentations.withLock { $0[key] = segmentation }
        return segmentation
    }
}
