@testable import ConnectomeCore
import Foundation
import Synchronization
import Testing

/// The pool's two uses: `ParallelWork.map` (the caller works along, so a busy pool never stalls it) and
/// `withChildTasks`, whose preference puts a task group's children on the pool's threads.
@Suite("Worker pool")
struct WorkerPoolTests {
    @Test("map equals the serial map for every size, nested maps included")
    func mapEqualsSerial() {
        for count in [0, 1, 2, 3, 7, 64, 1_000] {
            let items = Array(0..<count)
            let parallel = ParallelWork.map(items) { $0 * $0 + 1 }
            #expect(parallel == items.map { $0 * $0 + 1 }, "\(count) items")
            let nested = ParallelWork.map(items.prefix(9).map { $0 }) { outer in
                ParallelWork.map(Array(0..<outer)) { $0 + outer }.reduce(0, +)
            }
            #expect(nested == items.prefix(9).map { outer in (0..<outer).map { $0 + outer }.reduce(0, +) })
        }
    }

    @Test("map finishes while every pool thread is busy elsewhere: the caller does the items itself",
          .timeLimit(.minutes(1)))
    func mapWithABusyPool() {
        let result = Self.withEveryPoolThreadHeld { ParallelWork.map(Array(0..<100)) { $0 * 2 } }
        #expect(result == (0..<100).map { $0 * 2 })
    }

    /// `body` while every thread of the shared pool waits elsewhere, so a `map` in it runs on its caller alone.
    static func withEveryPoolThreadHeld<T>(_ body: () -> T) -> T {
        let pool = WorkerPool.shared
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        for _ in 0..<pool.threadCount {
            pool.run {
                started.signal()
                release.wait()
            }
        }
        for _ in 0..<pool.threadCount { started.wait() }
        defer { for _ in 0..<pool.threadCount { release.signal() } }
        return body()
    }

    @Test("with a cost, items are taken most costly first (ties in item order), results stay in item order",
          .timeLimit(.minutes(1)))
    func mapTakesCostlyItemsFirst() {
        // Every pool thread held elsewhere, so the caller takes all items itself, in the taken order.
        final class Taken: Sendable { let order = Mutex<[Int]>([]) }
        let taken = Taken()
        let costs = [1, 5, 3, 5, 9, 0]
        let result = Self.withEveryPoolThreadHeld {
            ParallelWork.map(Array(costs.indices), cost: { costs[$0] }) { item in
                taken.order.withLock { $0.append(item) }
                return item * 10
            }
        }
        #expect(result == [0, 10, 20, 30, 40, 50])
        #expect(taken.order.withLock { $0 } == [4, 1, 3, 2, 0, 5])
        // The throwing form reports the first error in item order, whatever order the items ran in.
        struct Failed: Error, Equatable { let item: Int }
        #expect(throws: Failed(item: 2)) {
            try ParallelWork.map(Array(costs.indices), cost: { costs[$0] }, throwing: { (item: Int) throws(Failed) -> Int in
                if item == 2 || item == 4 { throw Failed(item: item) }
                return item
            })
        }
    }

    @Test("the body and a task group's children run on the pool's threads under withChildTasks")
    func taskGroupChildrenRunOnThePool() async {
        final class Names: Sendable { let set = Mutex<Set<String>>([]) }
        let names = Names()
        await WorkerPool.withChildTasks {
            names.set.withLock { _ = $0.insert(Self.currentThreadName()) }
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let name = Self.currentThreadName()
                        names.set.withLock { _ = $0.insert(name) }
                    }
                }
            }
        }
        let seen = names.set.withLock { $0 }
        #expect(seen == ["the pool"], Comment(rawValue: "threads: \(seen.sorted())"))
    }

    /// Where this runs (a synchronous function: `Thread.current` is not for async code).
    static func currentThreadName() -> String {
        WorkerPool.shared.isCurrentThreadInPool ? "the pool" : (Thread.current.name ?? "another thread")
    }
}
