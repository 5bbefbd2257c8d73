import Foundation
import JSONModel
import Logging
@testable import JupyterProtocol

/// A running `KernelCore` with the fake interpreter, driven by a `TestClient`.
final class Harness: Sendable {
    let client = TestClient()
    let interpreter = FakeInterpreter()
    let core: KernelCore
    let running: Task<ShutdownResult, Never>
    let historyURL: URL
    /// Message ids of `queuedExecutes`, which the core receives all at once before it runs the first.
    let queuedIDs: [String]

    init(historyURL: URL = Harness.temporaryHistory(), queuedExecutes: [JSONValue] = []) {
        self.historyURL = historyURL
        queuedIDs = queuedExecutes.map { [client] in client.send("execute_request", $0) }
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        core = KernelCore(interpreter: interpreter, transport: client.transport, signer: client.signer,
                          history: HistoryStore(fileURL: historyURL, logger: logger), logger: logger)
        running = Task { [core] in await core.run() }
    }

    static func temporaryHistory() -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("ck-history-\(UUID().uuidString)")
            .appendingPathComponent("history.jsonl")
    }

    func execute(_ code: String, _ extra: [String: JSONValue] = [:]) async throws -> (reply: Received, iopub: [Received]) {
        var content = extra
        content["code"] = .string(code)
        let id = client.send("execute_request", .object(content))
        let reply = try await client.next(on: .shell)
        let iopub = try await client.iopub(for: id)
        return (reply, iopub)
    }

    func request(_ msgType: String, _ content: JSONValue = [:], on channel: MessageChannel = .shell) async throws
        -> (reply: Received, iopub: [Received])
    {
        let id = client.send(msgType, content, on: channel)
        let reply = try await client.next(on: channel)
        let iopub = try await client.iopub(for: id)
        return (reply, iopub)
    }

    func shutdown() async throws -> ShutdownResult {
        _ = try await request("shutdown_request", ["restart": false], on: .control)
        return await running.value
    }
}

extension Array where Element == Received {
    var types: [String] { map(\.msgType) }
}
