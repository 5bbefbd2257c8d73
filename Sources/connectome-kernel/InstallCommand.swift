import ArgumentParser
import ConnectomeKernel
import Foundation

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the \"Connectome\" kernelspec for Jupyter.")

    @Flag(name: .long, help: "Install for this user (~/.local/share/jupyter/kernels). The default.")
    var user = false

    @Flag(name: .long, help: "Install into the running Python environment's prefix ($VIRTUAL_ENV or $CONDA_PREFIX).")
    var sysPrefix = false

    @Option(name: .long, help: "Install into DIR/share/jupyter/kernels.")
    var prefix: String?

    func validate() throws {
        if [user, sysPrefix, prefix != nil].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --user, --sys-prefix and --prefix")
        }
    }

    func run() throws {
        let location: KernelspecInstaller.Location
        if let prefix {
            location = .prefix(prefix)
        } else if sysPrefix {
            let environment = ProcessInfo.processInfo.environment
            guard let prefix = environment["VIRTUAL_ENV"] ?? environment["CONDA_PREFIX"] else {
                throw ValidationError("--sys-prefix needs an active virtualenv or conda environment ($VIRTUAL_ENV or $CONDA_PREFIX); use --prefix DIR instead")
            }
            location = .prefix(prefix)
        } else {
            location = .user
        }
        let directory = try KernelspecInstaller.install(binaryPath: executablePath(), location: location)
        print("Installed kernelspec \(KernelspecInstaller.kernelName) in \(directory)")
    }

    /// The absolute, symlink-resolved path of this binary, for the kernelspec's argv.
    private func executablePath() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
