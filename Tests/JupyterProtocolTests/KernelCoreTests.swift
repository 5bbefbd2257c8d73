import Foundation
import JSONModel
import Testing
@testable import JupyterProtocol

@Suite(.timeLimit(.minutes(1))) struct KernelCoreTests {
    @Test func kernelInfoOnShellAndControl() async throws {
        let kernel = Harness()
        for channel in [MessageChannel.shell, .control] {
            let (reply, iopub) = try await kernel.request("kernel_info_request", on: channel)
            #expect(reply.msgType == "kernel_info_reply")
            #expect(reply.identities == [kernel.client.identity])
            let content = reply.content
            #expect(content["status"] == "ok" && content["protocol_version"] == "5.3")
            #expect(content["implementation"] == "fake-kernel" && content["banner"] == "Fake kernel")
            #expect(content["language_info"]?["codemirror_mode"] == "null")
            #expect(content["language_info"]?["pygments_lexer"] == "text")
            #expect(content["language_info"]?["file_extension"] == ".fake")
            #expect(content["help_links"]?[0]?["url"] == "https://example.org")
            #expect(content["supported_features"] == [])
            #expect(iopub.map { $0.content["execution_state"] } == ["busy", "idle"])
        }
        _ = try await kernel.shutdown()
    }

    @Test func publishesStartingOnceWithEmptyParent() async throws {
        let kernel = Harness()
        let first = try await kernel.client.next(on: .iopub)
        #expect(first.msgType == "status" && first.content["execution_state"] == "starting" && first.parentMsgID == nil)
        _ = try await kernel.shutdown()
    }

    @Test func executeOrderIsBusyInputOutputsReplyIdle() async throws {
        let kernel = Harness()
        let (reply, iopub) = try await kernel.execute("print hello")
        #expect(reply.content["status"] == "ok" && reply.content["execution_count"] == 1)
        #expect(reply.content["payload"] == [] && reply.content["user_expressions"] == [:])
        #expect(iopub.types == ["status", "execute_input", "stream", "status"])
        #expect(iopub[1].content == ["code": "print hello", "execution_count": 1])
        #expect(iopub[2].content == ["name": "stdout", "text": "hello"])
        // Across channels: the reply goes out after the outputs and before idle.
        let order = kernel.client.transport.sentLog().compactMap { entry -> String? in
            guard let message = try? Received(entry.frames, signer: kernel.client.signer),
                  message.parentMsgID == reply.parentMsgID else { return nil }
            return message.msgType == "status" ? message.content["execution_state"]?.stringValue : message.msgType
        }
        #expect(order == ["busy", "execute_input", "stream", "execute_reply", "idle"])
        let result = try await kernel.execute("value 42")
        #expect(result.iopub.types == ["status", "execute_input", "execute_result", "status"])
        #expect(result.iopub[2].content == ["execution_count": 2, "data": ["text/plain": "42"], "metadata": [:]])
        _ = try await kernel.shutdown()
    }

    @Test func executionCountFollowsStoreHistoryAndSilent() async throws {
        let kernel = Harness()
        #expect(try await kernel.execute("value a").reply.content["execution_count"] == 1)
        let silent = try await kernel.execute("print quiet", ["silent": true])
        #expect(silent.reply.content["execution_count"] == 1)
        #expect(silent.iopub.types == ["status", "status"])
        let unstored = try await kernel.execute("value b", ["store_history": false])
        #expect(unstored.reply.content["execution_count"] == 1)
        #expect(unstored.iopub[1].content["execution_count"] == 1)
        #expect(unstored.iopub.types == ["status", "execute_input", "execute_result", "status"])
        #expect(try await kernel.execute("value c").reply.content["execution_count"] == 2)
        _ = try await kernel.shutdown()
    }

    @Test func outputAfterTheCellEndsKeepsItsParent() async throws {
        let kernel = Harness()
        let (first, _) = try await kernel.execute("keep")
        let context = try #require(kernel.interpreter.kept.withLock { $0 })
        context.stream(.stdout, "late")
        let (second, secondIOPub) = try await kernel.execute("print now")
        #expect(!secondIOPub.contains { $0.content["text"] == "late" })
        let late = kernel.client.transport.sentLog().compactMap { try? Received($0.frames, signer: kernel.client.signer) }
            .first { $0.content["text"] == "late" }
        #expect(late?.msgType == "stream" && late?.parentMsgID == first.parentMsgID)
        #expect(second.parentMsgID != first.parentMsgID)
        _ = try await kernel.shutdown()
    }

    @Test func pagedHelpBecomesThePagePayload() async throws {
        let kernel = Harness()
        let (reply, iopub) = try await kernel.execute("help")
        #expect(reply.content["payload"] == [["source": "page", "data": ["text/plain": "help text"], "start": 0]])
        #expect(iopub.types == ["status", "execute_input", "status"])
        _ = try await kernel.shutdown()
    }

    @Test func userExpressionsAreEvaluated() async throws {
        let kernel = Harness()
        let (reply, _) = try await kernel.execute("print x", ["user_expressions": ["a": "up", "b": "bad"]])
        #expect(reply.content["user_expressions"]?["a"] == ["status": "ok", "data": ["text/plain": "UP"], "metadata": [:]])
        #expect(reply.content["user_expressions"]?["b"]?["status"] == "error")
        #expect(reply.content["user_expressions"]?["b"]?["ename"] == "NameError")
        _ = try await kernel.shutdown()
    }

    @Test func errorPublishesErrorAndAbortsQueuedExecutes() async throws {
        let kernel = Harness(queuedExecutes: [["code": "fail now"], ["code": "print a"], ["code": "print b"]])
        let ids = kernel.queuedIDs
        let replies = [try await kernel.client.next(on: .shell), try await kernel.client.next(on: .shell),
                       try await kernel.client.next(on: .shell)]
        #expect(replies.map(\.parentMsgID) == ids)
        #expect(replies[0].content["status"] == "error" && replies[0].content["ename"] == "FakeError")
        #expect(replies[0].content["evalue"] == "failed: now" && replies[0].content["traceback"] == ["line 1", "FakeError"])
        #expect(replies[0].content["execution_count"] == 1)
        #expect(replies[1].content == ["status": "aborted", "execution_count": 1])
        #expect(replies[2].content["status"] == "aborted")
        let failIOPub = try await kernel.client.iopub(for: ids[0])
        #expect(failIOPub.types == ["status", "execute_input", "stream", "error", "status"])
        #expect(failIOPub[3].content == ["ename": "FakeError", "evalue": "failed: now", "traceback": ["line 1", "FakeError"]])
        #expect(try await kernel.client.iopub(for: ids[1]).types == ["status", "status"])
        // A request sent after the error runs normally.
        let after = try await kernel.execute("print later")
        #expect(after.reply.content["status"] == "ok" && after.reply.content["execution_count"] == 2)
        _ = try await kernel.shutdown()
    }

    @Test func stopOnErrorFalseKeepsTheQueue() async throws {
        let kernel = Harness(queuedExecutes: [["code": "fail", "stop_on_error": false], ["code": "print a"]])
        #expect(try await kernel.client.next(on: .shell).content["status"] == "error")
        #expect(try await kernel.client.next(on: .shell).content["status"] == "ok")
        _ = try await kernel.shutdown()
    }

    @Test func interruptRequestStopsTheRunningCell() async throws {
        let kernel = Harness()
        let id = kernel.client.send("execute_request", ["code": "sleep"])
        // Wait until the cell is running (execute_input published).
        while try await kernel.client.next(on: .iopub).msgType != "execute_input" {}
        let (interrupt, _) = try await kernel.request("interrupt_request", on: .control)
        #expect(interrupt.msgType == "interrupt_reply" && interrupt.content["status"] == "ok")
        let reply = try await kernel.client.next(on: .shell)
        #expect(reply.parentMsgID == id)
        #expect(reply.content["status"] == "error" && reply.content["ename"] == "KeyboardInterrupt")
        let next = try await kernel.execute("print again")
        #expect(next.reply.content["status"] == "ok")
        // The public hook (SIGINT) works the same way.
        _ = kernel.client.send("execute_request", ["code": "sleep"])
        while try await kernel.client.next(on: .iopub).msgType != "execute_input" {}
        kernel.core.interrupt()
        #expect(try await kernel.client.next(on: .shell).content["ename"] == "KeyboardInterrupt")
        _ = try await kernel.shutdown()
    }

    @Test func inputRequestRoundTrip() async throws {
        let kernel = Harness()
        let id = kernel.client.send("execute_request", ["code": "secret Password:", "allow_stdin": true])
        let request = try await kernel.client.next(on: .stdin)
        #expect(request.msgType == "input_request")
        #expect(request.identities == [kernel.client.identity] && request.parentMsgID == id)
        #expect(request.content == ["prompt": "Password:", "password": true])
        kernel.client.send("input_reply", ["value": "hunter2"], on: .stdin)
        let reply = try await kernel.client.next(on: .shell)
        #expect(reply.content["status"] == "ok")
        let iopub = try await kernel.client.iopub(for: id)
        #expect(iopub.first { $0.msgType == "execute_result" }?.content["data"] == ["text/plain": "got hunter2"])
        _ = try await kernel.shutdown()
    }

    @Test func inputNotAllowedAndInterruptedWhileWaiting() async throws {
        let kernel = Harness()
        let refused = try await kernel.execute("input Name:", ["allow_stdin": false])
        #expect(refused.reply.content["ename"] == "StdinNotImplementedError")
        #expect(kernel.client.transport.pending(on: .stdin).isEmpty)
        _ = kernel.client.send("execute_request", ["code": "input Name:"])
        _ = try await kernel.client.next(on: .stdin)
        _ = try await kernel.request("interrupt_request", on: .control)
        #expect(try await kernel.client.next(on: .shell).content["ename"] == "KeyboardInterrupt")
        _ = try await kernel.shutdown()
    }

    @Test func displayUpdateAndClearCarryTheirShapes() async throws {
        let kernel = Harness()
        let display = try await kernel.execute("display progress")
        #expect(display.iopub[2].msgType == "display_data")
        #expect(display.iopub[2].content == [
            "data": ["text/plain": "shown"], "metadata": [:], "transient": ["display_id": "progress"],
        ])
        let update = try await kernel.execute("update progress")
        #expect(update.iopub[2].msgType == "update_display_data")
        #expect(update.iopub[2].content["transient"] == ["display_id": "progress"])
        let clear = try await kernel.execute("clear")
        #expect(clear.iopub[2].msgType == "clear_output" && clear.iopub[2].content == ["wait": true])
        _ = try await kernel.shutdown()
    }

    @Test func completeInspectIsComplete() async throws {
        let kernel = Harness()
        let complete = try await kernel.request("complete_request", ["code": "pr", "cursor_pos": 2])
        #expect(complete.reply.content["matches"] == ["print", "prompt"])
        #expect(complete.reply.content["cursor_start"] == 0 && complete.reply.content["cursor_end"] == 2)
        #expect(complete.reply.content["status"] == "ok")
        #expect(complete.reply.content["metadata"]?["_jupyter_types_experimental"]?[0]
            == ["text": "print", "type": "command", "start": 0, "end": 2])
        let controlComplete = try await kernel.request("complete_request", ["code": "p", "cursor_pos": 1], on: .control)
        #expect(controlComplete.reply.msgType == "complete_reply")
        let found = try await kernel.request("inspect_request", ["code": "print", "cursor_pos": 3, "detail_level": 1])
        #expect(found.reply.content["found"] == true)
        #expect(found.reply.content["data"] == ["text/plain": "print TEXT: writes TEXT (detail 1)"])
        let missing = try await kernel.request("inspect_request", ["code": "zzz", "cursor_pos": 1])
        #expect(missing.reply.content == ["status": "ok", "found": false, "data": [:], "metadata": [:]])
        let incomplete = try await kernel.request("is_complete_request", ["code": "print \\"])
        #expect(incomplete.reply.content == ["status": "incomplete", "indent": "  "])
        #expect(try await kernel.request("is_complete_request", ["code": "print"]).reply.content == ["status": "complete"])
        #expect(try await kernel.request("is_complete_request", ["code": "?"]).reply.content == ["status": "invalid"])
        _ = try await kernel.shutdown()
    }

    @Test func commsAreClosedAndIgnored() async throws {
        let kernel = Harness()
        let info = try await kernel.request("comm_info_request", ["target_name": "jupyter.widget"])
        #expect(info.reply.content == ["status": "ok", "comms": [:]])
        let id = kernel.client.send("comm_open", ["comm_id": "c1", "target_name": "jupyter.widget", "data": [:]])
        let iopub = try await kernel.client.iopub(for: id)
        #expect(iopub.types == ["status", "comm_close", "status"])
        #expect(iopub[1].content == ["comm_id": "c1", "data": [:]])
        let msg = kernel.client.send("comm_msg", ["comm_id": "c1", "data": [:]])
        #expect(try await kernel.client.iopub(for: msg).types == ["status", "status"])
        let unknown = kernel.client.send("frobnicate_request", ["x": 1])
        #expect(try await kernel.client.iopub(for: unknown).types == ["status", "status"])
        #expect(kernel.client.transport.pending(on: .shell).isEmpty)
        _ = try await kernel.shutdown()
    }

    @Test func badMessagesAreDroppedAndTheNextIsAnswered() async throws {
        let kernel = Harness()
        let transport = kernel.client.transport
        transport.inject([Data("garbage".utf8)], on: .shell)
        var (_, frames) = kernel.client.frames("kernel_info_request", [:])
        frames[2] = Data(String(repeating: "0", count: 64).utf8)
        transport.inject(frames, on: .shell)
        transport.inject(Array(kernel.client.frames("kernel_info_request", [:]).1.dropLast(2)), on: .shell)
        transport.inject(frames, on: .control)
        let (reply, _) = try await kernel.request("kernel_info_request")
        #expect(reply.msgType == "kernel_info_reply")
        #expect(transport.pending(on: .shell).isEmpty && transport.pending(on: .control).isEmpty)
        _ = try await kernel.shutdown()
    }

    @Test func undecodableExecuteGetsAnErrorReplyBetweenBusyAndIdle() async throws {
        let kernel = Harness()
        let id = kernel.client.send("execute_request", ["code": 5])
        let reply = try await kernel.client.next(on: .shell)
        #expect(reply.msgType == "execute_reply" && reply.parentMsgID == id)
        #expect(reply.content["status"] == "error" && reply.content["ename"] == "MalformedRequest")
        #expect(reply.content["execution_count"] == 0 && reply.content["traceback"] == [])
        let evalue = try #require(reply.content["evalue"]?.stringValue)
        #expect(evalue.contains("execute_request content") && evalue.contains("'code'"))
        let iopub = try await kernel.client.iopub(for: id)
        #expect(iopub.types == ["status", "error", "status"])
        #expect(iopub.map { $0.content["execution_state"] } == ["busy", nil, "idle"])
        let missing = try await kernel.request("execute_request", ["silent": true])
        #expect(missing.reply.content["evalue"]?.stringValue?.contains("missing key 'code'") == true)
        // The kernel goes on: the next cell runs and counts from 1.
        #expect(try await kernel.execute("value 1").reply.content["execution_count"] == 1)
        _ = try await kernel.shutdown()
    }

    @Test func undecodableRequestsOnShellAndControlGetErrorReplies() async throws {
        let kernel = Harness()
        let cases: [(String, JSONValue, MessageChannel, String)] = [
            ("complete_request", ["code": "pr"], .shell, "cursor_pos"),
            ("inspect_request", ["code": 1, "cursor_pos": 0], .shell, "code"),
            ("is_complete_request", [:], .control, "code"),
            ("history_request", ["hist_access_type": "everything"], .shell, "hist_access_type"),
            ("shutdown_request", ["restart": "yes"], .control, "restart"),
        ]
        for (type, content, channel, field) in cases {
            let (reply, iopub) = try await kernel.request(type, content, on: channel)
            #expect(reply.msgType == type.replacingOccurrences(of: "_request", with: "_reply"))
            #expect(reply.content["status"] == "error" && reply.content["ename"] == "MalformedRequest")
            #expect(reply.content["evalue"]?.stringValue?.contains(field) == true, "\(type): \(reply.content)")
            #expect(iopub.map { $0.content["execution_state"] } == ["busy", "idle"])
        }
        // A malformed shutdown_request did not shut the kernel down.
        #expect(try await kernel.request("kernel_info_request").reply.content["status"] == "ok")
        _ = try await kernel.shutdown()
    }

    @Test func undecodableInputReplyEndsTheWaitWithAnError() async throws {
        let kernel = Harness()
        let id = kernel.client.send("execute_request", ["code": "input Name:"])
        _ = try await kernel.client.next(on: .stdin)
        kernel.client.send("input_reply", ["value": 42], on: .stdin)
        let reply = try await kernel.client.next(on: .shell)
        #expect(reply.parentMsgID == id && reply.content["status"] == "error")
        #expect(reply.content["evalue"]?.stringValue?.contains("answer could not be read") == true)
        _ = try await kernel.shutdown()
    }

    @Test func subscriptionGetsIopubWelcome() async throws {
        let kernel = Harness()
        kernel.client.transport.inject([Data([1])], on: .iopub)
        kernel.client.transport.inject([Data([0])], on: .iopub)
        var message = try await kernel.client.next(on: .iopub)
        if message.msgType == "status" { message = try await kernel.client.next(on: .iopub) }
        #expect(message.msgType == "iopub_welcome" && message.content == ["subscription": ""])
        #expect(message.parentMsgID == nil && message.identities == [Data()])
        _ = try await kernel.shutdown()
    }

    @Test func shutdownOnControlAndShellEndsTheRun() async throws {
        let kernel = Harness()
        let (reply, iopub) = try await kernel.request("shutdown_request", ["restart": true], on: .control)
        #expect(reply.content == ["status": "ok", "restart": true])
        #expect(iopub.map { $0.content["execution_state"] } == ["busy", "idle"])
        #expect(await kernel.running.value == ShutdownResult(restart: true))

        let other = Harness()
        let (shellReply, _) = try await other.request("shutdown_request", ["restart": false])
        #expect(shellReply.content["restart"] == false)
        #expect(await other.running.value == ShutdownResult(restart: false))
    }

    @Test func shutdownWhileACellRunsStillAnswers() async throws {
        let kernel = Harness()
        _ = kernel.client.send("execute_request", ["code": "sleep"])
        while try await kernel.client.next(on: .iopub).msgType != "execute_input" {}
        #expect(try await kernel.shutdown() == ShutdownResult(restart: false))
    }
}
