import ArgumentParser
import CommandLanguage
import ConnectomeKernel
import Foundation

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

    func run() async throws {
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
