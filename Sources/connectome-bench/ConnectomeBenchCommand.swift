import ArgumentParser

/// `connectome-bench`: the measuring instruments behind `bench/`, apart from the kernel binary
/// so that the product carries no hidden commands and the benchmarks can change freely.
@main
struct ConnectomeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectome-bench",
        abstract: "Time connectome-kernel's readers for the side-by-side benchmarks in bench/.",
        subcommands: [BenchSliceCommand.self, BenchStackCommand.self])
}
