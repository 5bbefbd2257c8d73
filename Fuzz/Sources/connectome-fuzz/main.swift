import Foundation

// `connectome-fuzz TARGET [libFuzzer flags] [corpus directories or files]`, `connectome-fuzz --list`.
//
// One executable for every target keeps the instrumented build to a single link. libFuzzer's own
// `main` cannot be used: SwiftPM links executables with `--defsym main=<module>_main`, which clashes
// with it, so this file is the entry point and hands control to `LLVMFuzzerRunDriver` (from
// `libclang_rt.fuzzer_no_main`, linked by the Makefile). The target name is taken off the arguments
// before libFuzzer sees them and kept in `CK_FUZZ_TARGET`, so the processes libFuzzer starts itself
// (`-fork`, `-merge`) run the same target.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

let arguments = CommandLine.arguments
if arguments.count >= 2, arguments[1] == "--list" {
    for target in FuzzTarget.all { print(target.name.padding(toLength: 24, withPad: " ", startingAt: 0), target.summary) }
    exit(0)
}

var kept = Array(UnsafeBufferPointer(start: CommandLine.unsafeArgv, count: Int(CommandLine.argc)))
let chosen: FuzzTarget
if arguments.count >= 2, let named = FuzzTarget.named(arguments[1]) {
    chosen = named
    kept.remove(at: 1)
    setenv("CK_FUZZ_TARGET", named.name, 1)
} else if let name = ProcessInfo.processInfo.environment["CK_FUZZ_TARGET"], let named = FuzzTarget.named(name) {
    chosen = named
} else {
    let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: connectome-fuzz TARGET [libFuzzer arguments]; targets: \(names)\n".utf8))
    exit(2)
}
FuzzTarget.selected = chosen
if chosen.runsTasks { kept.insert(strdup("-detect_leaks=0"), at: 1) }  // before the caller's flags, which win

kept.append(nil)
var argc = CInt(kept.count - 1)
var argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: kept.count)
argv.initialize(from: kept, count: kept.count)
exit(LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
    FuzzTarget.selected.run(Data(bytes: bytes ?? UnsafePointer(bitPattern: 1)!, count: count))
    return 0
})
