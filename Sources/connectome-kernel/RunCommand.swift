import ArgumentParser
import ConnectomeCore
import ConnectomeKernel
import Foundation
import JupyterZMQ
import Logging

/// What the kernelspec runs: serve one kernel on the sockets of a Jupyter connection file.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the kernel for a Jupyter connection file (what the kernelspec calls).")

    @Option(name: [.customShort("f"), .customLong("connection-file")], help: "The connection file Jupyter wrote.")
    var connectionFile: String

    @Option(name: .long, help: "Also write the log to this file.")
    var logFile: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "notice"

    func run() throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level \(logLevel) is not a level; use trace, debug, info, notice, warning, error or critical")
        }
        let logger = KernelLogging.bootstrap(level: level, file: logFile)
        let interpreter = ConnectomeInterpreter(environment: .standard(transport: makeTransport()))
        let result = try runKernel(connectionFile: connectionFile, interpreter: interpreter, logger: logger)
        logger.info("kernel stopped", metadata: ["restart": "\(result)"])
    }
}
