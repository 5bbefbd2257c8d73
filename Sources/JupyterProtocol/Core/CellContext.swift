import Foundation
import JSONModel
import Synchronization

/// The `ExecutionContext` of one cell: everything it publishes has that cell's request as parent.
///
/// Output sent after the cell has finished (by work the cell left running) still names its own cell, so it is
/// never attributed to a later one. A silent request publishes nothing.
struct CellContext: ExecutionContext {
    let core: KernelCore
    let request: WireMessage
    let silent: Bool
    let allowStdin: Bool
    /// `execute_reply` payloads collected while the cell runs (the pager).
    let payloads: Payloads

    final class Payloads: Sendable {
        let items = Mutex<[JSONValue]>([])
    }

    func stream(_ name: StreamName, _ text: String) {
        publish("stream", ["name": .string(name.rawValue), "text": .string(text)])
    }

    func display(_ bundle: MimeBundle, displayID: String?) {
        var content = Replies.bundle(bundle)
        content["transient"] = displayID.map { ["display_id": .string($0)] } ?? [:]
        publish("display_data", .object(content))
    }

    func updateDisplay(_ bundle: MimeBundle, displayID: String) {
        var content = Replies.bundle(bundle)
        content["transient"] = ["display_id": .string(displayID)]
        publish("update_display_data", .object(content))
    }

    func clearOutput(wait: Bool) {
        publish("clear_output", ["wait": .bool(wait)])
    }

    func requestInput(prompt: String, password: Bool) async throws -> String {
        guard allowStdin else { throw InputError.notAllowed }
        return try await core.requestInput(prompt: prompt, password: password, for: request)
    }

    func page(_ bundle: MimeBundle, start: Int) {
        let payload: JSONValue = [
            "source": "page", "data": .object(bundle.data), "start": .int(Int64(start)),
        ]
        payloads.items.withLock { $0.append(payload) }
    }

    private func publish(_ msgType: String, _ content: JSONValue) {
        guard !silent else { return }
        core.publish(msgType, content: content, parent: request.headerBytes)
    }
}
