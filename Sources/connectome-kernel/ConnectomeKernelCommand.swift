import ArgumentParser
import ConnectomeCore
import ConnectomeKernel

/// The process's entry: malloc is set up before any thread allocates, then the command line is parsed.
@main
enum Entry {
    static func main() async {
        // Here and not in `run`: a thread that allocated before would keep an arena of its own.
        LargeMemory.keepFreedMemoryForReuse()
        await ConnectomeKernelCommand.main()
    }
}

/// `connectome-kernel`: the kernel process Jupyter starts, plus install, eval and sample.
struct ConnectomeKernelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectome-kernel",
        abstract: "A Jupyter kernel for connectomics: EM slices, neurons and neuroglancer scenes.",
        version: KernelVersion.implementation,
        subcommands: [RunCommand.self, InstallCommand.self, EvalCommand.self, SampleCommand.self])
}
