#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Gives the heap that a cell freed back to the system once the kernel has had a quiet moment after it.
///
/// `LargeMemory.keepFreedMemoryForReuse` lets malloc keep what a cell frees, so that the next heavy cell
/// reuses those pages instead of faulting and zeroing them again. That is right while a scientist runs
/// heavy cells back to back (scrolling through sections, paging a table); between bursts it leaves a
/// kernel holding megabytes it no longer uses: after a 1024² section, 10 MiB of heap of which 4 MiB was
/// live. So, as jemalloc's time-based decay does, the freed memory is returned when no heavy cell has
/// ended for a while: a burst keeps its pages, and an idle kernel keeps only what its values hold.
///
/// How long "a while" is follows the rhythm of the heavy cells: `quiet` after a heavy cell on its own,
/// twice the gap since the heavy cell before when they recur (up to `longestQuiet`). A scientist stepping
/// through sections every second or two keeps the pages between steps; a trim there would make each
/// step fault its pages in again (measured on the slice bench, where a cell of ours comes every half
/// second: 50 instead of 33 ms for a raw section).
///
/// A cell counts as heavy when it took at least `heavyFaults` new pages (minor page faults, one
/// `getrusage` call per cell): that is what a trim returns and what the next cell would fault again.
/// Light cells (a trivial expression, a lookup) neither arm nor postpone the trim.
public final class IdleTrim: Sendable {
    /// The quiet after a heavy cell before its memory goes back: longer than the gap between cells that a
    /// client sends one after the other, far shorter than a person takes to type the next cell.
    public static let defaultQuiet = Duration.milliseconds(100)
    /// The most a recurring rhythm can hold the memory back: jemalloc's default decay time.
    public static let defaultLongestQuiet = Duration.seconds(10)
    /// 1 MiB of 4 KiB pages.
    public static let defaultHeavyFaults = 256

    private struct State {
        var faultsAtLastCell: Int
        /// Counts heavy cells; a sleeping trim runs only if no heavy cell ended after it was armed.
        var heavyCells = 0
        var lastHeavyEnd: ContinuousClock.Instant?
    }

    private let quiet: Duration
    private let longestQuiet: Duration
    private let heavyFaults: Int
    private let faults: @Sendable () -> Int
    private let trim: @Sendable () -> Void
    private let state: Mutex<State>

    /// - Parameters:
    ///   - faults: the process's page faults so far (`getrusage`'s minor faults by default).
    ///   - trim: what gives the memory back (`malloc_trim(0)` by default).
    public init(quiet: Duration = IdleTrim.defaultQuiet, longestQuiet: Duration = IdleTrim.defaultLongestQuiet,
                heavyFaults: Int = IdleTrim.defaultHeavyFaults,
                faults: @escaping @Sendable () -> Int = IdleTrim.minorFaults,
                trim: @escaping @Sendable () -> Void = IdleTrim.mallocTrim) {
        self.quiet = quiet
        self.longestQuiet = longestQuiet
        self.heavyFaults = heavyFaults
        self.faults = faults
        self.trim = trim
        self.state = Mutex(State(faultsAtLastCell: faults()))
    }

    /// Called when a cell has finished. Arms (or postpones) the trim if the cell was heavy.
    public func cellEnded() {
        let now = faults()
        let armed: (cell: Int, wait: Duration)? = state.withLock { state in
            let grown = now - state.faultsAtLastCell
            state.faultsAtLastCell = now
            guard grown >= heavyFaults else { return nil }
            let end = ContinuousClock.now
            let gap = state.lastHeavyEnd.map { end - $0 }
            state.lastHeavyEnd = end
            state.heavyCells += 1
            return (state.heavyCells, Self.wait(quiet: quiet, gap: gap, longest: longestQuiet))
        }
        guard let armed else { return }
        // Not `.background`: behind a stream of light cells such a task waited for seconds.
        Task.detached { [self] in
            try? await Task.sleep(for: armed.wait)
            guard state.withLock({ $0.heavyCells == armed.cell }) else { return }
            trim()
        }
    }

    /// The quiet before a trim, after a heavy cell that came `gap` after the heavy cell before it
    /// (nil: the first): `quiet`, or twice the gap when that is longer, but never more than `longest`.
    public static func wait(quiet: Duration, gap: Duration?, longest: Duration) -> Duration {
        guard let gap else { return quiet }
        return min(max(quiet, gap * 2), max(quiet, longest))
    }

    /// The process's minor page faults so far.
    public static let minorFaults: @Sendable () -> Int = {
        #if os(Linux)
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return usage.ru_minflt
        #else
        return 0
        #endif
    }

    /// Frees the unused pages of the heap (the arena's top and whole free pages inside it).
    public static let mallocTrim: @Sendable () -> Void = {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if os(Linux)
/// glibc's `malloc_trim` (declared in malloc.h, which the Glibc module does not bring in).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
