import ArgumentParser
import CommandLanguage
import ConnectomeKernel
import Foundation
import Logging

/// Runs cells in a terminal, for scripts and quick checks without Jupyter.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run connectome commands in the terminal: text to stdout, errors to stderr, images to files.",
        discussion: "CODE is either commands (\"slice x=512 y=512 z=32\") or the path of a .cq file.")

    @Argument(help: "Commands to run, or a .cq file.")
    var code: String

    @Option(name: .long, help: "Folder for images and other files the commands show (default: the current folder).")
    var out: String = "."

    @Option(name: .long, help: "Also write the log (retries, slow chunks, …) to this file.")
    var logFile: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical (to stderr and --log-file).")
    var logLevel: String = "warning"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level \(logLevel) is not a level; use trace, debug, info, notice, warning, error or critical")
        }
        // Never stdout: it holds the cells' output.
        _ = KernelLogging.bootstrap(level: level, file: logFile)
        let source: String
        if code.hasSuffix(".cq") {
            guard let text = try? String(contentsOfFile: code, encoding: .utf8) else {
                throw ValidationError("cannot read \(code): no such file, or not UTF-8 text")
            }
            source = text
        } else {
            source = code
        }
        let environment = KernelEnvironment.standard(transport: makeTransport())
        let runner = TerminalRunner(environment: environment, outputDirectory: out)
        let ok = await runner.run(source)
        if !ok { throw ExitCode(1) }
    }
}
