import CCKZeroMQ
import Foundation
import JSONModel
import JupyterProtocol
@testable import JupyterZMQ
import Logging
import Testing

/// A real kernel on 127.0.0.1 (ports chosen by the OS), driven over ZeroMQ.
@Suite(.serialized, .timeLimit(.minutes(2))) struct KernelServerTests {
    /// Starts `KernelServer.run()` on a thread of its own, as main would.
    final class Running: @unchecked Sendable {
        let server: KernelServer
        let client: ZMQClient
        private let finished = DispatchSemaphore(value: 0)
        private var result: ShutdownResult?

        init(subscribe: Bool = true,
             connection: ConnectionInfo = ConnectionInfo(shellPort: 0, iopubPort: 0, stdinPort: 0, controlPort: 0,
                                                         hbPort: 0, key: "zmq-test-key")) throws {
            let logger = Logger(label: "zmq-test") { _ in SwiftLogNoOpLogHandler() }
            server = try KernelServer(connection: connection, interpreter: SleepyInterpreter(), logger: logger,
                                      historyFile: nil)
            client = ZMQClient(connection: server.connection, subscribe: subscribe)
            let thread = Thread { [self] in
                result = server.run()
                finished.signal()
            }
            thread.start()
        }

        /// Sends shutdown on control and waits for `run()` to return.
        func shutdown() async throws -> ShutdownResult? {
            client.send("shutdown_request", ["restart": false], on: client.control)
            let reply = try await client.receive(on: client.control)
            #expect(reply.msgType == "shutdown_reply")
            let deadline = Date().addingTimeInterval(10)
            while finished.wait(timeout: .now()) == .timedOut {
                if Date() > deadline { return nil }
                try await Task.sleep(for: .milliseconds(5))
            }
            return result
        }
    }

    @Test func welcomeThenKernelInfoOnShellAndControl() async throws {
        let kernel = try Running(subscribe: false)
        let client = kernel.client
        // Once kernel_info is answered the kernel is up; a client subscribing now gets the welcome first.
        client.send("kernel_info_request", on: client.shell)
        _ = try await client.receive(on: client.shell)
        client.subscribe()
        // Generous: on a loaded 2-core machine the subscription can take seconds to reach the server.
        let welcome = try await client.receive(on: client.iopub, seconds: 60)
        #expect(welcome.msgType == "iopub_welcome" && welcome.content == ["subscription": ""])
        #expect(welcome.parentMsgID == nil)
        for socket in [client.shell, client.control] {
            let id = client.send("kernel_info_request", on: socket)
            let reply = try await client.receive(on: socket)
            #expect(reply.msgType == "kernel_info_reply" && reply.parentMsgID == id)
            #expect(reply.content["protocol_version"] == "5.3" && reply.content["status"] == "ok")
            #expect(try await client.iopub(for: id).map(\.msgType) == ["status", "status"])
        }
        #expect(try await kernel.shutdown() == ShutdownResult(restart: false))
    }

    @Test func executeRoundTrip() async throws {
        let kernel = try Running()
        let client = kernel.client
        _ = try await client.waitForWelcome()
        let id = client.send("execute_request", ["code": "print hello"], on: client.shell)
        let reply = try await client.receive(on: client.shell)
        #expect(reply.parentMsgID == id && reply.content["status"] == "ok" && reply.content["execution_count"] == 1)
        let iopub = try await client.iopub(for: id)
        #expect(iopub.map(\.msgType) == ["status", "execute_input", "stream", "status"])
        #expect(iopub[2].content == ["name": "stdout", "text": "hello"])
        _ = try await kernel.shutdown()
    }

    @Test func heartbeatAndInterruptWhileACellRuns() async throws {
        let kernel = try Running()
        let client = kernel.client
        _ = try await client.waitForWelcome()
        let id = client.send("execute_request", ["code": "sleep"], on: client.shell)
        while try await client.receive(on: client.iopub).msgType != "execute_input" {}

        client.sendRaw([Data("ping-42".utf8)], on: client.heartbeat)
        #expect(try await client.receiveRaw(on: client.heartbeat) == [Data("ping-42".utf8)])
        let info = client.send("kernel_info_request", on: client.control)
        #expect(try await client.receive(on: client.control).parentMsgID == info)

        let interrupt = client.send("interrupt_request", on: client.control)
        let interruptReply = try await client.receive(on: client.control)
        #expect(interruptReply.msgType == "interrupt_reply" && interruptReply.parentMsgID == interrupt)
        let reply = try await client.receive(on: client.shell)
        #expect(reply.parentMsgID == id && reply.content["ename"] == "KeyboardInterrupt")

        let next = client.send("execute_request", ["code": "print after"], on: client.shell)
        let nextReply = try await client.receive(on: client.shell)
        #expect(nextReply.parentMsgID == next && nextReply.content["status"] == "ok")
        _ = try await kernel.shutdown()
    }

    @Test func badlySignedMessageIsIgnored() async throws {
        let kernel = try Running()
        let client = kernel.client
        _ = try await client.waitForWelcome()
        client.sendRaw(client.frames("kernel_info_request", [:], signer: MessageSigner(key: "wrong")), on: client.shell)
        client.sendRaw([Data("no delimiter".utf8)], on: client.shell)
        client.sendRaw([WireMessage.delimiter, Data("sig".utf8)], on: client.shell)
        let id = client.send("kernel_info_request", on: client.shell)
        let reply = try await client.receive(on: client.shell)
        #expect(reply.parentMsgID == id)
        _ = try await kernel.shutdown()
    }

    @Test func pipelinedBurstOfAThousandIsAllAnswered() async throws {
        let kernel = try Running()
        let client = kernel.client
        _ = try await client.waitForWelcome()
        let ids = (0..<1000).map { client.send("execute_request", ["code": .string("\($0)")], on: client.shell) }
        var replies: [ZMQClient.Message] = []
        for _ in ids { replies.append(try await client.receive(on: client.shell)) }
        #expect(replies.map(\.parentMsgID) == ids)
        #expect(replies.map { $0.content["execution_count"]?.intValue } == (1...1000).map { $0 })
        var busy = Set<String>(), idle = Set<String>()
        while idle.count < ids.count {
            let message = try await client.receive(on: client.iopub)
            guard message.msgType == "status", let parent = message.parentMsgID else { continue }
            if message.content["execution_state"] == "busy" { busy.insert(parent) } else { idle.insert(parent) }
        }
        #expect(busy == Set(ids) && idle == Set(ids))
        _ = try await kernel.shutdown()
    }

    @Test func portConflictIsATypedErrorNotAHang() async throws {
        let kernel = try Running()
        let logger = Logger(label: "zmq-test") { _ in SwiftLogNoOpLogHandler() }
        #expect {
            _ = try KernelServer(connection: kernel.server.connection, interpreter: SleepyInterpreter(), logger: logger,
                                 historyFile: nil)
        } throws: { error in
            (error as? ZMQError)?.code == EADDRINUSE && "\(error)".contains("shell")
        }
        _ = try await kernel.shutdown()
    }

    @Test func ipcTransportUsesIPDashPortEndpoints() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ck-ipc-\(UUID().uuidString.prefix(8))").path
        let connection = ConnectionInfo(transport: .ipc, ip: base, shellPort: 1, iopubPort: 2, stdinPort: 3,
                                        controlPort: 4, hbPort: 5, key: "ipc-key")
        let kernel = try Running(connection: connection)
        #expect(FileManager.default.fileExists(atPath: "\(base)-1"))
        let client = kernel.client
        let id = client.send("kernel_info_request", on: client.shell)
        #expect(try await client.receive(on: client.shell).parentMsgID == id)
        client.sendRaw([Data("hb".utf8)], on: client.heartbeat)
        #expect(try await client.receiveRaw(on: client.heartbeat) == [Data("hb".utf8)])
        _ = try await kernel.shutdown()
    }

    /// What a DEALER without an identity writes first: greeting, then READY.
    static let readyDealer = ZMTPEncoding.greeting + [4, 28, 5] + Array("READY".utf8) + [11]
        + Array("Socket-Type".utf8) + [0, 0, 0, 6] + Array("DEALER".utf8)

    /// Peers that are not Jupyter clients, or break ZMTP, are closed one by one; the kernel serves on.
    @Test func strangersAndBrokenPeersAreDroppedAndTheKernelServesOn() async throws {
        let kernel = try Running()
        let client = kernel.client
        _ = try await client.waitForWelcome()
        let ports = kernel.server.connection
        let cases: [(String, Int, [UInt8])] = [
            ("an HTTP request", ports.shellPort, Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
            ("ZMTP 2", ports.controlPort, [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 2, 0] + [UInt8](repeating: 0, count: 52)),
            ("a PUB talking to XPUB", ports.iopubPort, ZMTPEncoding.greeting + ZMTPEncoding.ready(socketType: "PUB")),
            ("a message before READY", ports.shellPort, ZMTPEncoding.greeting + ZMTPEncoding.message([Data("x".utf8)])),
            ("a frame of 2^62 bytes", ports.shellPort, Self.readyDealer + [2, 0x40, 0, 0, 0, 0, 0, 0, 0]),
            ("1,025 subscriptions", ports.iopubPort, ZMTPEncoding.greeting + ZMTPEncoding.ready(socketType: "SUB")
                + (0...1024).flatMap { ZMTPEncoding.message([Data([1]) + Data("t\($0)".utf8)]) }),
            ("the CURVE mechanism", ports.stdinPort, Array(ZMTPEncoding.greeting[0..<12]) + Array("CURVE".utf8)
                + [UInt8](repeating: 0, count: 47)),
        ]
        for (what, port, bytes) in cases {
            let peer = try RawConnection(port: port)
            peer.write(bytes)
            #expect(peer.closedByPeer(), "\(what) was not closed")
        }
        // Gone in the middle of a message, and half a greeting left hanging: nothing to answer.
        do {
            let peer = try RawConnection(port: ports.shellPort)
            peer.write(Self.readyDealer + [1, 5, 1, 2])
        }
        let hanging = try RawConnection(port: ports.hbPort)
        hanging.write([0xFF, 0, 0])
        let id = client.send("execute_request", ["code": "print still here"], on: client.shell)
        let reply = try await client.receive(on: client.shell)
        #expect(reply.parentMsgID == id && reply.content["status"] == "ok")
        _ = try await kernel.shutdown()
    }

    /// Two frontends on one kernel (a notebook and a console): each gets its own replies by routing ID,
    /// both see every iopub message; a 3 MB request and its 3 MB output cross in many reads and writes.
    @Test func twoClientsAndMegabyteMessages() async throws {
        let kernel = try Running()
        let first = kernel.client
        let second = ZMQClient(connection: kernel.server.connection)
        _ = try await first.waitForWelcome()
        _ = try await second.waitForWelcome()
        let a = first.send("kernel_info_request", on: first.shell)
        let b = second.send("kernel_info_request", on: second.shell)
        #expect(try await second.receive(on: second.shell).parentMsgID == b)
        #expect(try await first.receive(on: first.shell).parentMsgID == a)
        let text = String(repeating: "0123456789abcdef", count: 3 << 16)
        let id = second.send("execute_request", ["code": .string("print " + text)], on: second.shell)
        #expect(try await second.receive(on: second.shell, seconds: 30).parentMsgID == id)
        for client in [first, second] {
            let outputs = try await client.iopub(for: id)
            #expect(outputs.map(\.msgType) == ["status", "execute_input", "stream", "status"])
            #expect(outputs.count == 4 && outputs[2].content["text"]?.stringValue == text)
        }
        _ = try await kernel.shutdown()
    }

    /// ZMTP 3.1's PING (a peer with heartbeats on) is answered with PONG and its context.
    @Test func pingIsAnsweredWithPong() async throws {
        let kernel = try Running()
        let peer = try RawConnection(port: kernel.server.connection.shellPort)
        peer.write(Self.readyDealer + ZMTPEncoding.command("PING", [0, 10] + Array("ctx".utf8)))
        let ours = ZMTPEncoding.greeting + ZMTPEncoding.ready(socketType: "ROUTER")
        let pong = ZMTPEncoding.command("PONG", Array("ctx".utf8))
        #expect(peer.read(ours.count + pong.count) == ours + pong)
        _ = try await kernel.shutdown()
    }

    /// A peer that connects and never finishes the handshake is closed when its time is up; one that
    /// finished stays.
    @Test func halfOpenStrangersAreClosedAfterTheHandshakeTimeout() async throws {
        let logger = Logger(label: "zmq-test") { _ in SwiftLogNoOpLogHandler() }
        let transport = try ZMTPTransport(
            connection: ConnectionInfo(shellPort: 0, iopubPort: 0, stdinPort: 0, controlPort: 0, hbPort: 0, key: "k"),
            logger: logger, handshakeTimeout: .milliseconds(200))
        transport.start { _, _ in }
        let stranger = try RawConnection(port: transport.connection.shellPort)
        stranger.write([0xFF, 0, 0])
        let friend = try RawConnection(port: transport.connection.shellPort)
        friend.write(Self.readyDealer)
        let started = ContinuousClock.now
        #expect(stranger.closedByPeer())
        #expect(ContinuousClock.now - started < .seconds(5))
        // The friend's handshake is complete: it gets our greeting and READY, and stays open.
        let ours = ZMTPEncoding.greeting + ZMTPEncoding.ready(socketType: "ROUTER")
        #expect(friend.read(ours.count) == ours)
        friend.write(ZMTPEncoding.command("PING", [0, 1]))
        #expect(friend.read(7) == ZMTPEncoding.command("PONG", []))
        transport.close()
    }
}
