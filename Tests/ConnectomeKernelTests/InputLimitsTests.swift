import ConnectomeCore
import Foundation
import JupyterProtocol
import Testing
@testable import ConnectomeKernel

/// The cells of issue 8 that killed the kernel, the memory budget of `slice`, and the limits of
/// `cache size=` / `cache budget=`, through the real interpreter on the small sample.
@Suite struct InputLimitsTests {
    static var directory: String { SliceCommandTests.directory }

    func kernel() async -> Kernel {
        let kernel = Kernel(sampleDirectory: Self.directory)
        await kernel.run("let kept = 7")
        return kernel
    }

    func expectKept(_ kernel: Kernel, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(kernel.interpreter.session.variable(named: "kept") == 7, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        ("slice x=1e19 y=512 z=32", "ArgumentError", "x=1e19 is out of range for 'slice': x takes -2^40 to 2^40"),
        ("segment at (1e300, 0, 0)", "ArgumentError",
         "POSITIONS (1e300, 0, 0) holds 1e300, which is out of range for 'segment': POSITIONS takes -2^40 to 2^40"),
        ("sleep 1e308", "ArgumentError", "SECONDS 1e308 is out of range for 'sleep'"),
        ("cache size=\"inf GB\"", "ArgumentError", "size=\"inf GB\" is not a finite amount of memory"),
        ("slice x=512 y=512 z=18446744073709551615", "ArgumentError", "z=18446744073709551615 is out of range for 'slice'"),
        ("print " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000), "SyntaxError",
         "brackets nest more than 256 levels deep"),
        ("segment at [(1, 2, 3), (1, 2, -1e19)]", "ArgumentError", "POSITIONS [(1, 2, 3), (1, 2, -1e19)] holds -1e19, which is out of range"),
        ("slice x=10 y=10 z=3 size=16385", "ArgumentError", "size=16385 is out of range for 'slice': size takes 1 to 16384"),
        ("slice x=10 y=10 z=3 mip=64", "ArgumentError", "mip=64 is out of range for 'slice': mip takes 0 to 63"),
        ("slice x=10 y=10 z=3 width=0", "ArgumentError", "width=0 is out of range"),
        ("cache size=\"nan\"", "ArgumentError", "size=\"nan\" is not a finite amount of memory"),
        ("cache size=-1", "ArgumentError", "size=-1 is out of range for 'cache': size takes 0 bytes to"),
        ("cache size=\"-1 GB\"", "ArgumentError", "size=\"-1 GB\" is negative"),
        ("cache size=\"plenty\"", "ArgumentError", "size=\"plenty\" is not an amount of memory"),
        ("cache size=\"1000000 TB\"", "ArgumentError", ", this machine's memory"),
        ("cache budget=\"10 KB\"", "ArgumentError", "budget=\"10 KB\" is out of range for 'cache': budget takes 1 MiB to"),
        ("catmaid sample project=0", "ArgumentError", "project=0 is out of range for 'catmaid': project takes 1 to 2147483647"),
        ("dataset layers=256", "ArgumentError", "layers=256 is out of range for 'dataset': layers takes 1 to 255"),
        ("valid root 1 layers=8 layer_bits=2", "ArgumentError", "layers=8 is out of range for 'valid': layers takes 1 to 3"),
        ("valid root 1 layers=200 layer_bits=63", "value", ""),
        ("scene position=(1, 2, 1e300)", "ArgumentError", "position=(1, 2, 1e300) holds 1e300"),
        ("scene colors=\"" + String(repeating: "r", count: 1 << 20) + "\"", "ArgumentError", "not a colour"),
        ("scene layout=\"" + String(repeating: "x", count: 1 << 20) + "\"", "ArgumentError", "is not a layout"),
    ])
    func badInputIsAnErrorAndKeepsTheBindings(code: String, ename: String, fragment: String) async {
        let kernel = await kernel()
        if ename == "value" {
            await kernel.run(code)
        } else {
            let report = await kernel.failure(code)
            #expect(report?.ename == ename)
            #expect(report?.evalue.contains(fragment) == true, "\(report?.evalue.prefix(400) ?? "")")
            #expect(report?.traceback.contains { $0.contains("^") } == true)
        }
        expectKept(kernel)
    }

    @Test func theBudgetRefusesBeforeReadingAndNamesTheSizes() async throws {
        let kernel = await kernel()
        let misses = kernel.interpreter.state.chunkCache.stats.misses
        let report = await kernel.failure("slice x=96 y=80 z=10 width=16384 height=16384 layer=segmentation")
        #expect(report?.ename == "ArgumentError")
        let evalue = report?.evalue ?? ""
        #expect(evalue.contains("this 16384 × 16384 slice would hold 4.5 GiB at its peak"), "\(evalue)")
        #expect(evalue.contains("(the uint64 section 2.0 GiB, the RGB image 768.0 MiB, the PNG 775.7 MiB, its base64 text 1.0 GiB)"), "\(evalue)")
        #expect(evalue.contains("more than the cell memory budget of 1.0 GiB"))
        #expect(evalue.contains("smaller size=") && evalue.contains("coarser mip=") && evalue.contains("cache budget="))
        #expect(report?.traceback.contains { $0.contains("^^^^^^^^^^^") } == true, "the caret is under width=")
        #expect(kernel.interpreter.state.chunkCache.stats.misses == misses, "nothing was read")

        await kernel.run("cache budget=\"2 MB\"")
        let small = await kernel.failure("slice x=96 y=80 z=10 size=1000")
        #expect(small?.evalue.contains("more than the cell memory budget of 1.9 MiB") == true, "\(small?.evalue ?? "")")
        await kernel.run("slice x=96 y=80 z=10 size=128")
        let table = await kernel.run("cache")
        #expect(table?.text("text/plain")?.contains("cell memory budget 1.9 MiB") == true)
        await kernel.run("cache budget=\"1 GiB\"")
        await kernel.run("slice x=96 y=80 z=10 size=1000")
        expectKept(kernel)
    }

    @Test func budgetArithmeticNeverOverflows() {
        let huge = MemoryBudget.Part("huge", Int.max, 2)
        #expect(huge.bytes == nil)
        #expect(MemoryBudget.Part("negative", -1, 5).bytes == nil)
        #expect(MemoryBudget.Part("fine", 1000, 1000, 3).bytes == 3_000_000)
        #expect(MemoryBudget.Part.encoded(imageBytes: Int.max).allSatisfy { $0.bytes == nil })
        #expect(MemoryBudget.Part.encoded(imageBytes: 300_000).map(\.bytes) == [304_024, 405_368])
        #expect(MemoryBudget.physicalMemory > 0)
    }

    @Test func cacheSizeTakesUnitsAndSaysSo() async {
        let kernel = await kernel()
        let table = await kernel.run("cache size=\"256 MiB\"")
        #expect(table?.text("text/plain")?.contains("256.0 MiB") == true)
        #expect(kernel.interpreter.state.chunkCache.capacityBytes == 256 << 20)
        await kernel.run("cache size=0")
        #expect(kernel.interpreter.state.chunkCache.capacityBytes == 0)
    }
}
