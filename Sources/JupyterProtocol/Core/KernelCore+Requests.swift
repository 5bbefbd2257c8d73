import Foundation
import JSONModel

extension KernelCore {
    /// Every request except `execute_request`: decode strictly, then busy → reply (and any IOPub) → idle.
    /// Used for shell (in order, on the shell task) and control (on the transport's thread, at once).
    func handle(_ message: WireMessage, on channel: MessageChannel) {
        let action: () -> Void
        var shutdown: ShutdownResult?
        do {
            switch message.msgType {
            case "kernel_info_request":
                action = { self.reply(to: message, "kernel_info_reply", Replies.kernelInfo(self.interpreter.languageInfo), on: channel) }
            case "complete_request":
                let request = try message.content(CompleteRequest.self)
                action = {
                    let result = self.interpreter.complete(code: request.code, cursorPosition: request.cursorPos)
                    self.reply(to: message, "complete_reply", Replies.complete(result), on: channel)
                }
            case "inspect_request":
                let request = try message.content(InspectRequest.self)
                action = {
                    let bundle = self.interpreter.inspect(
                        code: request.code, cursorPosition: request.cursorPos, detailLevel: request.detailLevel)
                    self.reply(to: message, "inspect_reply", Replies.inspect(bundle), on: channel)
                }
            case "is_complete_request":
                let request = try message.content(IsCompleteRequest.self)
                action = {
                    let answer = self.interpreter.isComplete(code: request.code)
                    self.reply(to: message, "is_complete_reply", Replies.isComplete(answer), on: channel)
                }
            case "history_request":
                let request = try message.content(HistoryRequest.self)
                action = {
                    let rows = self.history.query(request)
                    self.reply(to: message, "history_reply", Replies.history(rows, output: request.output), on: channel)
                }
            case "comm_info_request":
                _ = try message.content(CommInfoRequest.self)
                action = { self.reply(to: message, "comm_info_reply", ["status": "ok", "comms": [:]], on: channel) }
            case "comm_open":
                let request = try message.content(CommOpen.self)
                action = {
                    self.logger.info("comm_open for unknown target '\(request.targetName)': closing comm \(request.commID)")
                    self.publish("comm_close", content: ["comm_id": .string(request.commID), "data": [:]],
                                 parent: message.headerBytes)
                }
            case "comm_msg", "comm_close":
                _ = try message.contentObject()
                action = {}
            case "shutdown_request":
                let request = try message.content(ShutdownRequest.self)
                shutdown = ShutdownResult(restart: request.restart)
                action = {
                    self.interrupt()
                    self.interpreter.shutdown(restart: request.restart)
                    self.reply(to: message, "shutdown_reply", ["status": "ok", "restart": .bool(request.restart)], on: channel)
                }
            case "interrupt_request":
                _ = try message.contentObject()
                action = {
                    self.interrupt()
                    self.reply(to: message, "interrupt_reply", ["status": "ok"], on: channel)
                }
            default:
                let type = message.msgType
                logger.notice("ignored unsupported message type '\(type)' on \(channel.rawValue)")
                action = {}
            }
        } catch {
            logger.warning("refused \(message.msgType) on \(channel.rawValue): \(error.description)")
            status(StatusContent.busy, parent: message)
            if let replyType = Replies.replyType(for: message.msgType) {
                reply(to: message, replyType, .object(Replies.malformedRequest(error)), on: channel)
            }
            status(StatusContent.idle, parent: message)
            return
        }
        status(StatusContent.busy, parent: message)
        action()
        status(StatusContent.idle, parent: message)
        if let shutdown { finish(shutdown) }
    }
}
