import ArgumentParser
import ConnectomeKernel

/// `connectome-kernel`: the kernel process Jupyter starts, plus install, eval and sample.
@main
struct ConnectomeKernelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectome-kernel",
        abstract: "A Jupyter kernel for connectomics: EM slices, neurons and neuroglancer scenes.",
        version: KernelVersion.implementation,
        subcommands: [RunCommand.self, InstallCommand.self, EvalCommand.self, SampleCommand.self])
}
