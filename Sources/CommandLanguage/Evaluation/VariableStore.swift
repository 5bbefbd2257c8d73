import Synchronization

/// A session's variables in binding order, behind a lock so that completion and inspection
/// (called synchronously by the kernel) can read them while a cell runs.
final class VariableStore: Sendable {
    private struct State {
        var values: [String: Value] = [:]
        var order: [String] = []
    }

    private let state = Mutex(State())

    func bind(_ name: String, _ value: Value) {
        state.withLock { state in
            if state.values.updateValue(value, forKey: name) == nil { state.order.append(name) }
        }
    }

    func value(_ name: String) -> Value? {
        state.withLock { $0.values[name] }
    }

    func contains(_ name: String) -> Bool {
        state.withLock { $0.values[name] != nil }
    }

    func remove(_ name: String) {
        state.withLock { state in
            if state.values.removeValue(forKey: name) != nil { state.order.removeAll { $0 == name } }
        }
    }

    var names: [String] {
        state.withLock { $0.order }
    }

    /// Every binding in the order first bound.
    var all: [(name: String, value: Value)] {
        state.withLock { state in state.order.map { ($0, state.values[$0]!) } }
    }
}
