import ConnectomeCore
import Foundation
import Synchronization

/// The kernel's mutable state behind the commands: the current dataset and image source,
/// open volumes and the chunk cache. Commands run one cell at a time, but completion and
/// inspection can look at it from another thread, so it is guarded.
final class KernelState: Sendable {
    let environment: KernelEnvironment
    private let storage: Mutex<Storage>

    struct Storage {
        var dataset: DatasetDescription
    }

    init(environment: KernelEnvironment) {
        self.environment = environment
        self.storage = Mutex(Storage(dataset: .sample(directory: environment.sampleDirectory)))
    }

    var dataset: DatasetDescription {
        get { storage.withLock { $0.dataset } }
        set { storage.withLock { $0.dataset = newValue } }
    }
}
