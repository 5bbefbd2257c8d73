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

    /// `longest` bounds every wait, so that a loaded host (a long gap between two heavy cells) cannot
    /// push a trim past the polling below.
    func make(_ probe: Probe, quiet: Duration = .milliseconds(50), longest: Duration = .milliseconds(400)) -> IdleTrim {
        IdleTrim(quiet: quiet, longestQuiet: longest, heavyFaults: 100,
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
        let clock = ContinuousClock()
        let armed = clock.now
        trim.cellEnded()
        let early = probe.trimCount
        if clock.now - armed < .milliseconds(40) {  // unless the host stalled through the quiet
            #expect(early == 0, "the trim waits for the quiet")
        }
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

    @Test func recurringHeavyCellsWaitTwiceTheirGap() {
        let quiet = Duration.milliseconds(100), longest = Duration.seconds(10)
        #expect(IdleTrim.wait(quiet: quiet, gap: nil, longest: longest) == quiet, "a heavy cell on its own")
        #expect(IdleTrim.wait(quiet: quiet, gap: .milliseconds(20), longest: longest) == quiet, "back to back")
        #expect(IdleTrim.wait(quiet: quiet, gap: .milliseconds(600), longest: longest) == .milliseconds(1200),
                "a step every 0.6 s keeps its pages between steps")
        #expect(IdleTrim.wait(quiet: quiet, gap: .seconds(3600), longest: longest) == longest, "an hour later")
        #expect(IdleTrim.wait(quiet: .seconds(20), gap: .seconds(1), longest: longest) == .seconds(20),
                "never below the quiet, even above the longest")
    }

    @Test func rhythmHoldsTheTrimBackAndLetsItGoAfter() async throws {
        let probe = Probe()
        let trim = make(probe, quiet: .milliseconds(20))
        probe.grow(500)
        trim.cellEnded()
        try await waitForTrims(probe, 1)
        #expect(probe.trimCount == 1, "the first heavy cell, on its own: trimmed after the quiet")
        try await Task.sleep(for: .milliseconds(150))
        probe.grow(500)
        let clock = ContinuousClock()
        let armed = clock.now
        trim.cellEnded()  // a gap of at least 150 ms: the next trim waits 300–400 ms
        try await Task.sleep(for: .milliseconds(100))
        if clock.now - armed < .milliseconds(280) {  // unless the host stalled that long
            #expect(probe.trimCount == 1, "held back by the rhythm")
        }
        try await waitForTrims(probe, 2)
        #expect(probe.trimCount == 2, "and done once the rhythm is broken")
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
        // Only if the host stalled this long could a trim have fallen inside the burst (the test threads
        // share the pool with the rest of the suite, which can hold them for seconds).
        let stalled = clock.now - start >= .milliseconds(280)
        if !stalled {
            #expect(probe.trimCount == 0, "a trim inside the burst would make the next heavy cell fault again")
        }
        try await waitForTrims(probe, 1)
        try await Task.sleep(for: .milliseconds(500))
        if stalled {
            #expect(probe.trimCount >= 1)
        } else {
            #expect(probe.trimCount == 1, "one trim for the burst, after its last cell")
        }
    }

    #if os(Linux)
    @Test func defaultsCountFaultsAndTrimSafely() throws {
        // Fresh pages fault once each: 256 pages written must count at least 200 (other threads add more).
        let size = 256 * 4096
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        let region = try #require(mapped == MAP_FAILED ? nil : mapped)
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
