import Foundation
import JSONModel
@testable import JupyterProtocol

/// One message as a test sees it.
struct Received: Sendable {
    var identities: [Data]
    var msgType: String
    var msgID: String
    var parentMsgID: String?
    var header: JSONValue
    var content: JSONValue

    init(_ frames: [Data], signer: MessageSigner) throws {
        let message = try WireMessage.decode(frames, signer: signer)
        identities = message.identities
        msgType = message.msgType
        msgID = message.header.msgID
        parentMsgID = message.parentHeader["msg_id"]?.stringValue
        header = try JSONValue.parse(message.headerBytes)
        content = try message.contentObject()
    }
}

/// Plays a frontend against a `KernelCore` over an `InMemoryTransport`.
final class TestClient: Sendable {
    static let key = "test-key-0123"
    let transport = InMemoryTransport()
    let signer = MessageSigner(key: TestClient.key)
    let factory: MessageFactory
    let identity = Data("client-1".utf8)

    init() {
        factory = MessageFactory(signer: signer, session: "client-session", username: "tester")
    }

    /// Builds a signed request, as jupyter_client would.
    func frames(_ msgType: String, _ content: JSONValue, msgID: String = UUID().uuidString) -> (String, [Data]) {
        let header: JSONValue = [
            "msg_id": .string(msgID), "msg_type": .string(msgType), "session": "client-session",
            "username": "tester", "date": "2026-01-01T00:00:00.000000Z", "version": "5.4",
        ]
        let frames = factory.frames(msgType: msgType, content: content.serialized(), parent: nil, identities: [identity])
        // Replace the generated header with one whose msg_id the test knows.
        var result = frames
        let headerIndex = result.firstIndex(of: WireMessage.delimiter)! + 2
        result[headerIndex] = header.serialized()
        result[headerIndex - 1] = Data(signer.signature(
            header: result[headerIndex], parentHeader: result[headerIndex + 1], metadata: result[headerIndex + 2],
            content: result[headerIndex + 3]).utf8)
        return (msgID, result)
    }

    @discardableResult
    func send(_ msgType: String, _ content: JSONValue = [:], on channel: MessageChannel = .shell) -> String {
        let (id, frames) = frames(msgType, content)
        transport.inject(frames, on: channel)
        return id
    }

    func next(on channel: MessageChannel) async throws -> Received {
        try Received(await transport.next(on: channel), signer: signer)
    }

    /// IOPub messages for `parent` from busy up to and including idle (other parents' messages are skipped).
    func iopub(for parent: String) async throws -> [Received] {
        var messages: [Received] = []
        while true {
            let message = try await next(on: .iopub)
            guard message.parentMsgID == parent else { continue }
            messages.append(message)
            if message.msgType == "status", message.content["execution_state"] == "idle" { return messages }
        }
    }
}
