import ConnectomeCore
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing

@Suite struct IdleTrimTests {
    /// A fault counter the test moves by hand, and a record of the trims.
    final class Probe: Sendable {
        let faults = Mutex(0)
        let trims = Mutex(0)
        func grow(_ pages: Int) { faults.withLock { $0 += pages } }
        var trimCount: Int { trims.withLock { $0 } }
    }

    func make(_ probe: Probe, quiet: Duration = .milliseconds(50)) -> IdleTrim {
        IdleTrim(quiet: quiet, heavyFaults: 100,
                 faults: { probe.faults.withLock { $0 } }, trim: { probe.trims.withLock { $0 += 1 } })
    }

    /// Polls for up to two seconds: the trim runs on a background task after the quiet time.
    func waitForTrims(_ probe: Probe, _ expected: Int) async throws {
        for _ in 0..<200 where probe.trimCount < expected {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func heavyCellIsTrimmedAfterTheQuiet() async throws {
        let probe = Probe()
        let trim = make(probe)
        probe.grow(100)
        trim.cellEnded()
        #expect(probe.trimCount == 0, "the trim waits for the quiet")
        try await waitForTrims(probe, 1)
        #expect(probe.trimCount == 1)
    }

    @Test func lightCellsNeitherArmNorPostpone() async throws {
        let probe = Probe()
        let trim = make(probe)
        for _ in 0..<5 {
            probe.grow(99)  // just under the threshold, each cell on its own
            trim.cellEnded()
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(probe.trimCount == 0)

        probe.grow(150)
        trim.cellEnded()
        for _ in 0..<20 {  // light cells during the quiet do not hold the trim back
            trim.cellEnded()
            try await Task.sleep(for: .milliseconds(5))
        }
        try await waitForTrims(probe, 1)
        #expect(probe.trimCount == 1)
    }

    @Test func burstOfHeavyCellsKeepsItsMemoryUntilItEnds() async throws {
        let probe = Probe()
        let trim = make(probe, quiet: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<6 {
            probe.grow(500)
            trim.cellEnded()
            try await Task.sleep(for: .milliseconds(30))
        }
        let burst = clock.now - start
        // Only if the host stalled this long could a trim have fallen inside the burst.
        if burst < .milliseconds(280) {
            #expect(probe.trimCount == 0, "a trim inside the burst would make the next heavy cell fault again")
        }
        try await waitForTrims(probe, 1)
        try await Task.sleep(for: .milliseconds(400))
        #expect(probe.trimCount == 1, "one trim for the burst, after its last cell")
    }

    #if os(Linux)
    @Test func defaultsCountFaultsAndTrimSafely() throws {
        // Fresh pages fault once each: 256 pages written must count at least 200 (other threads add more).
        let size = 256 * 4096
        let region = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        defer { munmap(region, size) }
        let before = IdleTrim.minorFaults()
        for page in stride(from: 0, to: size, by: 4096) { region.storeBytes(of: 1, toByteOffset: page, as: UInt8.self) }
        #expect(IdleTrim.minorFaults() - before >= 200)
        // Trimming a live heap leaves what is in use alone.
        let live = [UInt8](repeating: 7, count: 1 << 20)
        IdleTrim.mallocTrim()
        #expect(live.allSatisfy { $0 == 7 })
    }
    #endif
}
