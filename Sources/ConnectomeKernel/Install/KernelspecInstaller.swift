import Foundation
import JSONModel

/// Writes the "Connectome" kernelspec (kernel.json and logos) where Jupyter looks for it.
///
/// The argv holds the absolute path of the running binary, so the kernelspec keeps working from
/// any directory; `interrupt_mode` is `message` because the kernel interrupts a cell by cancelling
/// it, which keeps its variables (a SIGINT is handled the same way).
public enum KernelspecInstaller {
    public static let kernelName = "connectome"

    public enum Location: Sendable, Equatable {
        /// `~/.local/share/jupyter/kernels` (or `$JUPYTER_DATA_DIR/kernels`).
        case user
        /// `{prefix}/share/jupyter/kernels`: a venv or conda prefix (`--sys-prefix`, `--prefix`).
        case prefix(String)

        public var kernelsDirectory: String {
            switch self {
            case .user:
                let environment = ProcessInfo.processInfo.environment
                if let dataDir = environment["JUPYTER_DATA_DIR"], !dataDir.isEmpty { return dataDir + "/kernels" }
                let home = environment["HOME"] ?? NSHomeDirectory()
                return home + "/.local/share/jupyter/kernels"
            case .prefix(let prefix):
                return prefix + "/share/jupyter/kernels"
            }
        }
    }

    /// kernel.json for a binary at `binaryPath`: the template in `kernelspec/kernel.json`, filled in.
    public static func kernelJSON(binaryPath: String) -> JSONValue {
        [
            "argv": [.string(binaryPath), "run", "-f", "{connection_file}"],
            "display_name": "Connectome",
            "language": "connectome",
            "interrupt_mode": "message",
            "kernel_protocol_version": "5.3",
            "metadata": [:],
        ]
    }

    /// Writes the kernelspec and returns its directory.
    @discardableResult
    public static func install(binaryPath: String, location: Location) throws -> String {
        let directory = location.kernelsDirectory + "/" + kernelName
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try kernelJSON(binaryPath: binaryPath).serialized(sortedKeys: true, pretty: true)
            .write(to: URL(fileURLWithPath: directory + "/kernel.json"))
        for size in [32, 64] {
            try Logo.png(size: size).write(to: URL(fileURLWithPath: directory + "/logo-\(size)x\(size).png"))
        }
        return directory
    }
}
