import Foundation
import Synchronization

/// Threads that stay: one per core, started once, parked when idle, never retired.
///
/// The kernel sits idle between cells, often for longer than five seconds, and libdispatch on Linux
/// retires its idle worker threads after five seconds and brings new ones only when its monitor
/// notices queued work, about a tenth of a second later. Every parallel step of the next cell (a CSV's
/// columns, an Arrow file's buffers, a section's chunks) then ran on one core for its first 100–150 ms:
/// measured, a 140,000-row CSV took 540 ms after a pause against 290 ms right after another load. On
/// these threads the work of a cell is spread over the cores from its first microsecond.
///
/// Two uses: as a `TaskExecutor` for the code that starts child tasks (`withChildTasks`: a task group's
/// reads and decodes run here) and through `ParallelWork`, whose caller works along with the pool's
/// threads and so never waits for a thread that is busy elsewhere.
public final class WorkerPool: TaskExecutor, @unchecked Sendable {
    /// The process's pool, with a thread per core.
    public static let shared = WorkerPool(threads: ProcessInfo.processInfo.activeProcessorCount)

    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private let queue = Mutex<[Work]>([])
    /// The pool's threads (`pthread_self`), for `isCurrentThreadInPool`.
    private let members = Mutex<Set<UInt>>([])
    /// Counts the queued items; each thread waits on it when there is nothing to do.
    private let available = DispatchSemaphore(value: 0)
    public let threadCount: Int

    init(threads: Int) {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in serve() }
            thread.name = "connectome-worker-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `operation` with the pool as its preferred executor, so that the child tasks it starts
    /// have every core from their first microsecond.
    ///
    /// Only code that starts child tasks asks for this, not whole commands: each hop to a parked
    /// thread costs a wake-up, a good part of a millisecond on an idle VM, and a command that awaits one
    /// request and computes on one core gains nothing from the pool (measured: `roots` of 100,000
    /// supervoxels through the kernel, 10 ms when every command ran here, 8 ms on its caller's task).
    public static func withChildTasks<T, Failure: Error>(
        isolation: isolated (any Actor)? = #isolation,
        _ operation: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        try await withTaskExecutorPreference(shared, isolation: isolation, operation: operation)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        push(.job(UnownedJob(job)))
    }

    /// Runs `body` on one of the pool's threads, as soon as one is free.
    func run(_ body: @escaping @Sendable () -> Void) {
        push(.closure(body))
    }

    private func push(_ work: Work) {
        queue.withLock { $0.append(work) }
        available.signal()
    }

    /// Whether the caller runs on one of this pool's threads.
    var isCurrentThreadInPool: Bool {
        let me = UInt(pthread_self())
        return members.withLock { $0.contains(me) }
    }

    private func serve() {
        let me = UInt(pthread_self())
        members.withLock { _ = $0.insert(me) }
        let executor = asUnownedTaskExecutor()
        while true {
            available.wait()
            guard let work = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            switch work {
            case .job(let job): job.runSynchronously(on: executor)
            case .closure(let body): body()
            }
        }
    }
}
