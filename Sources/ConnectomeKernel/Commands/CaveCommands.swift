import CommandLanguage
import ConnectomeCore
import Foundation
import Synchronization

/// The CAVE datastack behind the current dataset (`dataset crant`, `dataset cave`), and the
/// ID-update cache; the datastack's description is read from the info service when a token is there.
final class CaveState: Sendable {
    struct Target: Sendable {
        /// The CAVE (global and auth) server, without a trailing slash.
        var server: String
        var datastack: String
        /// The kernel dataset this datastack belongs to (commands check it is still current).
        var datasetName: String
        /// Read from the info service; nil until a token lets it be read.
        var info: CaveDatastack?
    }

    let target = Mutex<Target?>(nil)
    /// The server of the last `dataset cave` / `dataset crant`, even when it refused: `token` saves for it.
    let lastServer = Mutex<String?>(nil)
    let updateCache = IDUpdateCache()
    let skeletonCache = SkeletonCache()
    /// The skeleton-service client of the last datastack asked (it remembers the service's versions).
    let skeletonService = Mutex<SkeletonServiceClient?>(nil)
}

/// The chunked-graph commands of a CAVE datastack (`latest`, `roots`, `supervoxels`, `update`) and
/// the datastack side of `dataset crant` / `dataset cave`. The work is `ChunkedGraphClient`'s and
/// `IDUpdater`'s in ConnectomeCore; this maps arguments and shows tables.
enum CaveCommands {
    /// CRANT's CAVE server and datastacks (crantpy `config.py`).
    static let crantServer = "https://proofreading.zetta.ai"
    static let crantDatastacks = (latest: "kronauer_ant", sandbox: "kronauer_ant_sandbox")

    static func all(state: KernelState) -> [CommandSpec] {
        [latest(state), roots(state), supervoxels(state), update(state)]
    }

    // MARK: - Datastacks

    /// `dataset cave server="https://…" datastack="NAME"`: reads the datastack from the info service.
    static func openDatastack(_ invocation: Invocation, state: KernelState) async throws -> DatasetDescription {
        guard invocation.has("server"), invocation.has("datastack") else {
            throw EvaluationError(.argumentError, "dataset cave needs the CAVE server and the datastack",
                                  hint: "Write it like: dataset cave server=\"https://global.daf-apis.com\" datastack=\"flywire_fafb_public\"",
                                  range: invocation.range)
        }
        let server = try serverURL(invocation)
        let name = try invocation.string("datastack")
        guard !name.isEmpty, name.count <= 200, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) else {
            throw invocation.argumentError("datastack", "datastack \"\(name.prefix(60))\" is not a datastack name (letters, digits, _ - .)")
        }
        state.cave.lastServer.withLock { $0 = server }
        let info = try await CaveDatastack.fetch(server: server, name: name, client: client(state, server: server))
        let base = DatasetDescription(name: name, imageLayers: [], voxelSize: [8, 8, 42], viewerBase: DatasetDescription.spelunker)
        state.cave.target.withLock { $0 = CaveState.Target(server: server, datastack: name, datasetName: name, info: info) }
        return info.dataset(base: base)
    }

    /// `dataset crant [sandbox=true]`: the preset, completed from the info service when a token is there.
    static func openCrant(_ invocation: Invocation, state: KernelState) async throws -> DatasetDescription {
        let sandbox = try invocation.bool("sandbox", default: false)
        let name = sandbox ? crantDatastacks.sandbox : crantDatastacks.latest
        var preset = DatasetDescription.crant
        if invocation.has("seatable") { preset.annotationTable = try seatableTable(invocation) }
        if sandbox {
            preset.segmentationURL = preset.segmentationURL?.replacingOccurrences(of: "/kronauer_ant_x1", with: "/kronauer_ant_sandbox_x1")
        }
        var target = CaveState.Target(server: crantServer, datastack: name, datasetName: preset.name, info: nil)
        state.cave.lastServer.withLock { $0 = crantServer }
        defer { state.cave.target.withLock { [target] in $0 = target } }
        let credentials = self.credentials(state, server: crantServer)
        guard try credentials.hasToken() else {
            invocation.output.printError("No CAVE token for \(CredentialScope.host(of: crantServer)!): dataset crant is the built-in preset; "
                + "latest, roots, supervoxels and update need one. Run token to set it.\n")
            return preset
        }
        let info = try await CaveDatastack.fetch(server: crantServer, name: name, client: client(state, server: crantServer))
        target.info = info
        var dataset = info.dataset(base: preset)
        dataset.name = preset.name
        return dataset
    }

    /// The CAVE server of the current dataset if it is a datastack, else of the last `dataset cave` tried.
    static func currentServer(_ state: KernelState) -> String? {
        let name = state.dataset.name
        return state.cave.target.withLock { $0?.datasetName == name ? $0?.server : nil } ?? state.cave.lastServer.withLock { $0 }
    }

    /// The URLs whose token files `token` writes for `host`: the datastack's server and local server when `host` is its server.
    static func serversForToken(state: KernelState, host: String) -> [String] {
        let name = state.dataset.name
        if let target = state.cave.target.withLock({ $0?.datasetName == name ? $0 : nil }),
           CredentialScope.host(of: target.server) == host {
            return [target.server] + (target.info.map { [$0.localServer] } ?? [])
        }
        if let last = state.cave.lastServer.withLock({ $0 }), CredentialScope.host(of: last) == host { return [last] }
        return ["https://" + host]
    }

    /// `dataset crant seatable="https://…"`: CRANT's annotation table on another Seatable server.
    static func seatableTable(_ invocation: Invocation) throws -> SeatableTable {
        let text = try invocation.string("seatable")
        let table: SeatableTable
        do { table = try SeatableTable.crant.on(server: text) } catch {
            throw invocation.argumentError("seatable", error.message, hint: error.hint.isEmpty ? nil : error.hint)
        }
        guard CredentialScope.isSecureChannel(table.server) else {
            throw invocation.argumentError("seatable", "seatable \(table.server.prefix(120)) is plain http: the Seatable token would travel unencrypted",
                                           hint: "Use the https:// address (plain http only to this machine)")
        }
        return table
    }

    static func serverURL(_ invocation: Invocation) throws -> String {
        var text = try invocation.string("server").trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard let scheme = CredentialScope.scheme(of: text), ["http", "https"].contains(scheme), CredentialScope.host(of: text) != nil else {
            throw invocation.argumentError("server", "server \"\(text.prefix(120))\" is not an http(s) URL with a plain host",
                                           hint: "Write it like server=\"https://global.daf-apis.com\"")
        }
        if scheme == "http", !CredentialScope.isLoopback(host: CredentialScope.host(of: text)!) {
            throw invocation.argumentError("server", "server \(text.prefix(120)) is plain http: the CAVE token would travel unencrypted",
                                           hint: "Use the https:// address (plain http only to this machine)")
        }
        return text
    }

    static func credentials(_ state: KernelState, server: String) -> CaveCredentials {
        let tokens = state.tokens
        return CaveCredentials(server: server, secrets: state.environment.caveSecrets, memory: { tokens.token(forHost: $0) })
    }

    static func client(_ state: KernelState, server: String) throws -> CaveClient {
        guard let transport = state.environment.transport else {
            throw ConnectomeError.network("this kernel has no network transport, so CAVE cannot be reached")
        }
        return CaveClient(transport: transport, credentials: credentials(state, server: server))
    }

    /// The current dataset's datastack and a client for it, reading the datastack first if a token has appeared since.
    static func datastack(_ state: KernelState, command: String, service: String = "a CAVE chunked graph") async throws
        -> (CaveClient, CaveState.Target, CaveDatastack) {
        let dataset = state.dataset
        guard var target = state.cave.target.withLock({ $0?.datasetName == dataset.name ? $0 : nil }) else {
            throw ConnectomeError.argument("\(command) asks \(service), and dataset \(dataset.name) is not a CAVE datastack",
                                           hint: "Switch with dataset crant, or dataset cave server=\"https://…\" datastack=\"NAME\"")
        }
        let client = try client(state, server: target.server)
        if target.info == nil {
            guard try client.credentials.hasToken() else {
                throw CaveAuthError.noToken(server: target.server, secrets: state.environment.caveSecrets, dataset: dataset.name)
            }
            let info = try await CaveDatastack.fetch(server: target.server, name: target.datastack, client: client)
            target.info = info
            state.cave.target.withLock { [target] in $0 = target }
        }
        return (client, target, target.info!)
    }

    /// The chunked graph of the current dataset's datastack.
    static func graph(_ state: KernelState, command: String) async throws -> (ChunkedGraphClient, CaveState.Target) {
        let (client, target, info) = try await datastack(state, command: command)
        return (try ChunkedGraphClient(client: client, datastack: info), target)
    }

    /// The materialization service of the current dataset's datastack.
    static func materialization(_ state: KernelState, command: String) async throws -> (MaterializationClient, CaveDatastack) {
        let (client, target, info) = try await datastack(state, command: command, service: "a CAVE materialization service")
        return (MaterializationClient(client: client, localServer: info.localServer, datastack: target.datastack), info)
    }

    /// The skeleton service of the current dataset's datastack (reading the datastack first if a token has appeared since).
    static func skeletonService(_ state: KernelState) async throws -> SkeletonServiceClient {
        let (graph, target) = try await graph(state, command: "skeleton")
        if let known = state.cave.skeletonService.withLock({ $0 }), known.datastack == target.info!,
           known.client.credentials.server == graph.client.credentials.server {
            return known
        }
        let transport = state.environment.transport
        let cache = state.chunkCache
        let credentials = graph.client.credentials
        let service = SkeletonServiceClient(client: graph.client, datastack: target.info!, cache: state.cave.skeletonCache) { url in
            let token = try credentials.token(for: String(url.dropFirst("precomputed://".count)))
            return try await SkeletonSource.open(url: url, transport: transport, authorization: token.map { .bearer($0) }, cache: cache)
        }
        state.cave.skeletonService.withLock { $0 = service }
        return service
    }

    // MARK: - Timestamps

    /// The `at=` parameter: `now`, ISO 8601 (naive = UTC), Unix seconds, `mat` or `mat_<version>`.
    static let atParameter = ParameterSpec("at", ParameterType("timestamp"), default: "now",
                                           range: NumberRange(CaveLimits.unixSecondsRange, shown: "Unix seconds 0 to 4102444800 (year 2100)"),
                                           help: "the time to ask about: now, an ISO 8601 date-time (no zone = UTC), Unix seconds, mat (the latest materialization) or mat_<version>",
                                           choices: ["now", "mat"])

    /// `at=` as written (nil when not given): the one parser of the parameter for every CAVE command.
    static func timestamp(_ invocation: Invocation) throws -> Timestamp? {
        guard let value = invocation.value("at") else { return nil }
        do {
            switch value {
            case .string(let text): return try Timestamp(parsing: text)
            case .int, .float:
                guard let seconds = value.asDouble, CaveLimits.unixSecondsRange.contains(seconds) else {
                    throw ConnectomeError.argument("at=\(value.plainText) is outside Unix seconds 0 to 4102444800")
                }
                return Timestamp(unixSeconds: seconds)
            default:
                throw ConnectomeError.argument("at= is \(value.errorDescription), not a timestamp",
                                               hint: "Write now, an ISO 8601 date-time like \"2025-01-31T12:00:00Z\", Unix seconds, mat or mat_<version>")
            }
        } catch let error as ConnectomeError {
            throw invocation.argumentError("at", error.message, hint: error.hint.isEmpty ? nil : error.hint)
        }
    }

    /// The instant of `at=` (`absent` when not given) and its cache key (`now` or the instant);
    /// `mat` / `mat_<v>` are the version's time from the datastack's materialization service.
    static func instant(_ invocation: Invocation, state: KernelState, absent: Timestamp = .now) async throws
        -> (date: Date, key: String, shown: String) {
        let timestamp = try timestamp(invocation) ?? absent
        let date: Date
        switch timestamp {
        case .now:
            return (Date(), "now", "now")
        case .instant(let given):
            date = given
        case .materialization(let version):
            let (materialization, _) = try await materialization(state, command: "at=\(timestamp)")
            date = try await materialization.timestamp(ofVersion: version)
        }
        guard CaveLimits.unixSecondsRange.contains(date.timeIntervalSince1970) else {
            throw invocation.argumentError("at", "at=\(timestamp) is outside 1970 to 2100")
        }
        let shown = Timestamp.iso8601(date)
        return (date, shown, timestamp == .instant(date) ? shown : "\(timestamp) (\(shown))")
    }

    /// Which state of the synapse table `at=` asks for: nil (not given, or `mat`) = the latest
    /// version, `mat_<v>` = version v, any instant = the live table then.
    static func materializationPoint(_ invocation: Invocation) throws -> MaterializationPoint? {
        switch try timestamp(invocation) {
        case nil, .materialization(nil)?: return nil
        case .materialization(let version?)?: return .version(version)
        case .now?: return .live(Date())
        case .instant(let date)?:
            guard CaveLimits.unixSecondsRange.contains(date.timeIntervalSince1970) else {
                throw invocation.argumentError("at", "at=\(Timestamp.iso8601(date)) is outside 1970 to 2100")
            }
            return .live(date)
        }
    }

    /// Whether `currentIDs` would ask the graph (a CAVE datastack, and `update_ids` not false): lets a
    /// caller skip collecting IDs from a large table when nothing would change them.
    static func updatesIDs(_ invocation: Invocation, state: KernelState) throws -> Bool {
        try onCave(state) && invocation.bool("update_ids", default: true)
    }

    static func onCave(_ state: KernelState) -> Bool {
        state.cave.target.withLock { $0?.datasetName == state.dataset.name }
    }

    /// crantpy's `update_ids=`: on a CAVE datastack (unless `update_ids=false`) each stale ID's current
    /// root at `at=` (`absent` when not given: the materialization's time for a synapse query, now for
    /// annotations), so a neuron edited since the user copied its ID is still found. Returns the IDs
    /// that changed (old → new) and notes saying which changed and which could not be placed; with
    /// `supervoxels` (one per ID, nil = unknown) a stale ID becomes its supervoxel's root. Tables on disk
    /// have no graph: nothing changes (a note says so when `update_ids=true` was asked for explicitly).
    /// `bestEffort`: a graph that cannot be asked (no token, a failed request) leaves the IDs as they are
    /// with a note saying why, as crantpy's NeuronCriteria does, instead of failing a table read that
    /// needs no graph.
    static func currentIDs(_ ids: [SegmentID], _ invocation: Invocation, state: KernelState, absent: Timestamp,
                           supervoxels: [SegmentID?]? = nil, bestEffort: Bool = false) async throws
        -> (current: [SegmentID: SegmentID], notes: [String]) {
        let asked = try invocation.bool("update_ids", default: true)
        guard onCave(state) else {
            let note = asked && invocation.has("update_ids")
                ? ["update_ids: dataset \(state.dataset.name) has no chunked graph, so the IDs are used as given"] : []
            return ([:], note)
        }
        guard asked, !ids.isEmpty else { return ([:], []) }
        let at: (date: Date, key: String, shown: String)
        let rows: [IDUpdate]
        do {
            at = try await instant(invocation, state: state, absent: absent)
            let (graph, _) = try await graph(state, command: "update_ids")
            rows = try await IDUpdater(graph: graph, cache: state.cave.updateCache)
                .update(ids, supervoxels: supervoxels, at: at.date, key: at.key)
        } catch where bestEffort && !(error is CancellationError) {
            let reason = (error as? ConnectomeError).map { $0.hint.isEmpty ? $0.message : "\($0.message). \($0.hint)" } ?? "\(error)"
            return ([:], ["update_ids: the IDs are as the table has them, because the chunked graph could not be asked: \(reason)"])
        }
        var current: [SegmentID: SegmentID] = [:]
        for row in rows where row.changed { current[row.oldID] = row.newID }
        let changed = rows.filter { $0.changed }
        let lost = rows.filter { $0.confidence == 0 && $0.oldID.rawValue != 0 }
        var notes: [String] = []
        if !changed.isEmpty {
            let shown = changed.prefix(3).map { "\($0.oldID.rawValue) → \($0.newID.rawValue)" }.joined(separator: ", ")
            notes.append("update_ids: \(NumberFormat.count(changed.count, "stale ID")) brought up to date at \(at.shown) (\(shown)\(changed.count > 3 ? ", …" : "")); update_ids=false keeps them as given")
        }
        if !lost.isEmpty {
            let shown = lost.prefix(3).map { String($0.oldID.rawValue) }.joined(separator: ", ")
            notes.append("update_ids: \(NumberFormat.count(lost.count, "ID")) not found in the graph at \(at.shown), used as given: \(shown)\(lost.count > 3 ? ", …" : "")")
        }
        return (current, notes)
    }

    static func idValue(_ id: SegmentID) -> Value { .int(Int128(id.rawValue)) }

    /// A uint64 ID column: the chunked graph's answers run to millions of rows, so they are shown
    /// and piped on as a columnar table (no `Value` per cell).
    static func idColumn(_ name: String, _ ids: [SegmentID]) -> DataColumn {
        DataColumn(name, .uint64(ScalarColumn(values: SegmentID.rawValues(ids))))
    }

    // MARK: - Commands

    static func latest(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "latest",
            summary: "Whether root IDs are current in the CAVE datastack's chunked graph (is_latest_roots).",
            details: "Asks the chunked graph in batches of 100,000 IDs; 0 is never sent and is not current. "
                + "The table has id and latest; a stale ID's current root comes from update.",
            parameters: [atParameter],
            positional: PositionalSpec("IDS", .ids, help: "root IDs: an integer, a list, a string of IDs, or a table with an id column", required: true),
            examples: ["latest 576460752664524086", "latest [576460752664524086, 576460752590602315] at=\"2025-01-31T12:00:00\"",
                       "neurons cell_class=\"kenyon_cell\" | latest"],
            synopsis: "latest IDS [at=TIMESTAMP]"
        ) { invocation in
            let ids = try IDArguments.ids(invocation, at: 0)
            let at = try await instant(invocation, state: state)
            let (graph, target) = try await graph(state, command: "latest")
            let flags = try await graph.isLatest(ids, at: at.date)
            let current = flags.reduce(0) { $0 + ($1 ? 1 : 0) }
            let table = try DataTable(columns: [idColumn("id", ids), DataColumn("latest", .bool(ScalarColumn(values: flags)))])
            return .custom(DataTableValue(table, title: "latest roots in \(target.datastack) at \(at.shown)",
                                          notes: ["\(NumberFormat.grouped(current)) of \(NumberFormat.count(ids.count, "ID")) \(current == 1 ? "is" : "are") current"]))
        }
    }

    static func roots(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "roots",
            summary: "The root IDs of supervoxels in the CAVE datastack's chunked graph (roots_binary).",
            details: "Asks in batches of 100,000 supervoxels, as uint64 arrays; 0 stays 0, and a root of 0 means the graph does not know the supervoxel.",
            parameters: [atParameter],
            positional: PositionalSpec("SUPERVOXELS", .ids, help: "supervoxel IDs: an integer, a list, a string of IDs, or a table", required: true),
            examples: ["roots 74029213930668373", "roots [74029213930668373, 74029213930668374] at=1735689600"],
            synopsis: "roots SUPERVOXELS [at=TIMESTAMP]"
        ) { invocation in
            let ids = try IDArguments.ids(invocation, at: 0, what: "SUPERVOXELS")
            let at = try await instant(invocation, state: state)
            let (graph, target) = try await graph(state, command: "roots")
            let roots = try await graph.roots(ids, at: at.date)
            let table = try DataTable(columns: [idColumn("supervoxel_id", ids), idColumn("root_id", roots)])
            return .custom(DataTableValue(table, title: "roots in \(target.datastack) at \(at.shown)"))
        }
    }

    static func supervoxels(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "supervoxels",
            summary: "The supervoxels (leaves) of a root ID in the CAVE datastack's chunked graph.",
            details: "stop_layer=2 gives the level-2 nodes instead (what update compares). bounds= keeps the leaves in a box of voxels at the graph's resolution (the leaves endpoint's bounds, chunk by chunk).",
            parameters: [ParameterSpec("stop_layer", .integer, default: "1", range: 1...255, help: "the layer to stop at (1 = supervoxels)"),
                         LeafBoundsArgument.parameter],
            positional: PositionalSpec("ROOT", .ids, help: "one root ID", required: true),
            examples: ["supervoxels 576460752664524086", "supervoxels 576460752664524086 stop_layer=2",
                       "supervoxels 576460752664524086 bounds=[(0, 512), (0, 512), (0, 64)]"],
            synopsis: "supervoxels ROOT [stop_layer=N] [bounds=BOX]"
        ) { invocation in
            let ids = try IDArguments.ids(invocation, at: 0, what: "ROOT")
            guard ids.count == 1 else {
                throw invocation.argumentError(at: 0, "supervoxels takes one root ID, got \(ids.count)", hint: "Ask for each root in turn")
            }
            let layer = try invocation.int("stop_layer", in: NumberRange(1...255), default: 1)
            let bounds = try LeafBoundsArgument.bounds(invocation)
            let (graph, target) = try await graph(state, command: "supervoxels")
            let leaves = try await graph.leaves(ids[0], stopLayer: layer, bounds: bounds)
            let column = layer == 1 ? "supervoxel_id" : "node_id"
            return .table(Table(title: "\(layer == 1 ? "supervoxels" : "level-\(layer) nodes") of \(ids[0].rawValue) in \(target.datastack)",
                                columns: [column], rows: leaves.map { [idValue($0)] },
                                footer: NumberFormat.count(leaves.count, layer == 1 ? "supervoxel" : "node")))
        }
    }

    static func update(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "update",
            summary: "The current root of each ID (crantpy's update_ids): kept if latest, else through its supervoxel or its level-2 nodes.",
            details: """
                A current ID is kept (confidence 1). A stale ID with a known supervoxel (supervoxels=, or the \
                supervoxel_id column of a table) becomes that supervoxel's root now (confidence 1); any other \
                stale ID becomes the root most of its level-2 nodes belong to now, with that share as confidence \
                (0 and the old ID when nothing is found). 0 stays 0. Rows are cached per ID and time for 2 hours; \
                clear_cache=true empties the cache first.
                """,
            parameters: [atParameter,
                         ParameterSpec("supervoxels", .ids, help: "one supervoxel per ID (0 = unknown), to resolve stale IDs exactly"),
                         ParameterSpec("clear_cache", .bool, default: "false", help: "empty the update cache first")],
            positional: PositionalSpec("IDS", .ids, help: "root IDs: an integer, a list, a string of IDs, or a table", required: true),
            examples: ["update 576460752664524086", "update [576460752664524086, 576460752590602315] at=\"2025-01-31\"",
                       "update 576460752664524086 supervoxels=[74029213930668373]"],
            synopsis: "update IDS [at=TIMESTAMP] [supervoxels=IDS] [clear_cache=true]"
        ) { invocation in
            let ids = try IDArguments.ids(invocation, at: 0)
            var supervoxels: [SegmentID?]? = try IDArguments.ids(invocation, "supervoxels")
            if supervoxels == nil, case .table(let table) = invocation.value(at: 0)!, let column = table.column("supervoxel_id"),
               table.column("root_id") != nil || table.column("id") != nil {
                supervoxels = try column.enumerated().map { index, value -> SegmentID? in
                    if value == .null { return nil }
                    do { return try IDArguments.ids(in: value).first } catch let error as ConnectomeError {
                        throw invocation.argumentError(at: 0, "supervoxel_id of row \(index + 1): \(error.message)")
                    }
                }
            }
            if let given = supervoxels, given.count != ids.count {
                throw invocation.argumentError("supervoxels", "\(NumberFormat.count(ids.count, "ID")) but \(NumberFormat.count(given.count, "supervoxel"))",
                                               hint: "Give one supervoxel per ID, 0 where it is not known")
            }
            if try invocation.bool("clear_cache", default: false) { state.cave.updateCache.clear() }
            let at = try await instant(invocation, state: state)
            let (graph, target) = try await graph(state, command: "update")
            let rows = try await IDUpdater(graph: graph, cache: state.cave.updateCache)
                .update(ids, supervoxels: supervoxels, at: at.date, key: at.key)
            let changed = rows.filter(\.changed).count
            return .table(Table(title: "IDs updated in \(target.datastack) at \(at.shown)", columns: ["old_id", "new_id", "confidence", "changed"],
                                rows: rows.map { [idValue($0.oldID), idValue($0.newID), .float($0.confidence), .bool($0.changed)] },
                                footer: "\(NumberFormat.grouped(changed)) of \(NumberFormat.count(rows.count, "ID")) changed"))
        }
    }
}
