import CommandLanguage
import Foundation
import JSONModel
import JupyterProtocol

/// Runs cells outside Jupyter (`connectome-kernel eval`): the same interpreter and display mapping,
/// with text going to stdout, errors to stderr, and images written to files whose paths are printed.
public final class TerminalRunner: Sendable {
    let interpreter: ConnectomeInterpreter
    let outputDirectory: String

    public init(environment: KernelEnvironment, outputDirectory: String) {
        self.interpreter = ConnectomeInterpreter(environment: environment)
        self.outputDirectory = outputDirectory
    }

    /// Runs `source` as one cell; returns false when it ended in an error (already printed).
    public func run(_ source: String) async -> Bool {
        let context = TerminalContext(outputDirectory: outputDirectory)
        let outcome = await interpreter.execute(ExecuteRequestInfo(code: source, allowStdin: true), context: context)
        switch outcome {
        case .ok(let result, _):
            if let result { context.emit(result) }
            return true
        case .error(let report):
            let plain = report.traceback.map(TerminalContext.stripANSI).joined(separator: "\n")
            FileHandle.standardError.write(Data((plain + "\n").utf8))
            return false
        }
    }
}

/// An `ExecutionContext` that writes to the terminal.
final class TerminalContext: ExecutionContext, @unchecked Sendable {
    private let outputDirectory: String
    private let lock = NSLock()
    private var imageCount = 0

    init(outputDirectory: String) {
        self.outputDirectory = outputDirectory
    }

    func stream(_ name: StreamName, _ text: String) {
        let handle = name == .stdout ? FileHandle.standardOutput : FileHandle.standardError
        handle.write(Data(text.utf8))
    }

    func display(_ bundle: MimeBundle, displayID: String?) {
        // Progress displays (with an id) are only meaningful in a notebook; the final value is printed.
        if displayID != nil, bundle.data["image/png"] == nil { return }
        emit(bundle)
    }

    func updateDisplay(_ bundle: MimeBundle, displayID: String) {}

    func clearOutput(wait: Bool) {}

    func requestInput(prompt: String, password: Bool) async throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        guard let line = readLine(strippingNewline: true) else { throw InputError.notAllowed }
        return line
    }

    /// Prints a bundle's text; writes its PNG (if any) to a file and prints the path.
    func emit(_ bundle: MimeBundle) {
        var lines: [String] = []
        if case .string(let base64)? = bundle.data["image/png"], let png = Data(base64Encoded: base64) {
            let path = nextImagePath()
            do {
                try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
                try png.write(to: URL(fileURLWithPath: path))
                lines.append("image written to \(path)")
            } catch {
                lines.append("could not write the image to \(path): \(error.localizedDescription)")
            }
        }
        if case .string(let text)? = bundle.data["text/plain"] { lines.append(text) }
        stream(.stdout, lines.joined(separator: "\n") + "\n")
    }

    private func nextImagePath() -> String {
        lock.lock()
        defer { lock.unlock() }
        // Never overwrite a picture an earlier run wrote into the same folder.
        while true {
            imageCount += 1
            let path = (outputDirectory as NSString).appendingPathComponent("image-\(imageCount).png")
            if !FileManager.default.fileExists(atPath: path) { return path }
        }
    }

    static func stripANSI(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}
