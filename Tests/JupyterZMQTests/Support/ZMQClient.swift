import CCKZeroMQ
import Foundation
import JSONModel
import JupyterProtocol

/// A frontend made of raw libzmq sockets: DEALERs for shell/control/stdin, SUB for iopub, REQ for heartbeat.
///
/// Waiting polls without blocking and sleeps between tries, so a test never holds a cooperative thread the
/// kernel's own tasks need.
final class ZMQClient: @unchecked Sendable {
    struct Message {
        var msgType: String
        var msgID: String
        var parentMsgID: String?
        var content: JSONValue
    }

    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    let context: UnsafeMutableRawPointer
    let shell, control, stdin, iopub, heartbeat: UnsafeMutableRawPointer
    let signer: MessageSigner

    init(connection: ConnectionInfo, subscribe: Bool = true) {
        let context = zmq_ctx_new()!
        self.context = context
        func socket(_ type: Int32, _ port: Int) -> UnsafeMutableRawPointer {
            let socket = zmq_socket(context, type)!
            var linger: Int32 = 0
            zmq_setsockopt(socket, ZMQ_LINGER, &linger, 4)
            var hwm: Int32 = 0
            zmq_setsockopt(socket, ZMQ_SNDHWM, &hwm, 4)
            zmq_setsockopt(socket, ZMQ_RCVHWM, &hwm, 4)
            zmq_connect(socket, connection.endpoint(port: port))
            return socket
        }
        shell = socket(ZMQ_DEALER, connection.shellPort)
        control = socket(ZMQ_DEALER, connection.controlPort)
        stdin = socket(ZMQ_DEALER, connection.stdinPort)
        iopub = socket(ZMQ_SUB, connection.iopubPort)
        heartbeat = socket(ZMQ_REQ, connection.hbPort)
        signer = connection.signer
        if subscribe { self.subscribe() }
    }

    func subscribe(_ topic: String = "") {
        zmq_setsockopt(iopub, ZMQ_SUBSCRIBE, topic, topic.utf8.count)
    }

    deinit {
        for socket in [shell, control, stdin, iopub, heartbeat] { zmq_close(socket) }
        zmq_ctx_term(context)
    }

    /// Signed request frames (no identity: the DEALER adds none, the ROUTER adds the peer's).
    func frames(_ msgType: String, _ content: JSONValue, msgID: String = UUID().uuidString,
                signer override: MessageSigner? = nil) -> [Data] {
        let header: JSONValue = [
            "msg_id": .string(msgID), "msg_type": .string(msgType), "session": "zmq-client", "username": "test",
            "date": "2026-01-01T00:00:00.000000Z", "version": "5.4",
        ]
        let h = header.serialized(), e = Data("{}".utf8), c = content.serialized()
        let signature = (override ?? signer).signature(header: h, parentHeader: e, metadata: e, content: c)
        return [WireMessage.delimiter, Data(signature.utf8), h, e, e, c]
    }

    @discardableResult
    func send(_ msgType: String, _ content: JSONValue = [:], on socket: UnsafeMutableRawPointer) -> String {
        let id = UUID().uuidString
        sendRaw(frames(msgType, content, msgID: id), on: socket)
        return id
    }

    func sendRaw(_ frames: [Data], on socket: UnsafeMutableRawPointer) {
        for (index, frame) in frames.enumerated() {
            _ = frame.withUnsafeBytes {
                zmq_send(socket, $0.baseAddress, $0.count, index == frames.count - 1 ? 0 : ZMQ_SNDMORE)
            }
        }
    }

    /// One multipart message, waiting up to `seconds`.
    func receiveRaw(on socket: UnsafeMutableRawPointer, seconds: Double = 10) async throws -> [Data] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            var frames: [Data] = []
            while true {
                var message = zmq_msg_t()
                zmq_msg_init(&message)
                defer { zmq_msg_close(&message) }
                if zmq_msg_recv(&message, socket, frames.isEmpty ? ZMQ_DONTWAIT : 0) < 0 { break }
                let size = zmq_msg_size(&message)
                frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
                if zmq_msg_more(&message) == 0 { return frames }
            }
            if Date() > deadline { throw Timeout(what: "a message") }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    func receive(on socket: UnsafeMutableRawPointer, seconds: Double = 10) async throws -> Message {
        let message = try WireMessage.decode(try await receiveRaw(on: socket, seconds: seconds), signer: signer)
        return Message(msgType: message.msgType, msgID: message.header.msgID,
                       parentMsgID: message.parentHeader["msg_id"]?.stringValue,
                       content: try message.contentObject())
    }

    /// Skips IOPub messages (a `starting` status that won the race) until `iopub_welcome`.
    func waitForWelcome() async throws -> Message {
        while true {
            let message = try await receive(on: iopub)
            if message.msgType == "iopub_welcome" { return message }
        }
    }

    /// IOPub messages for `parent`, through its idle.
    func iopub(for parent: String) async throws -> [Message] {
        var messages: [Message] = []
        while true {
            let message = try await receive(on: iopub)
            guard message.parentMsgID == parent else { continue }
            messages.append(message)
            if message.msgType == "status", message.content["execution_state"] == "idle" { return messages }
        }
    }
}
