import Synchronization

/// The commands a session knows, by name. Thread-safe, so the kernel can register domain commands
/// while completion requests read it.
public final class CommandRegistry: Sendable {
    private let commands = Mutex<[String: CommandSpec]>([:])

    public init(_ specs: [CommandSpec] = []) {
        register(specs)
    }

    /// Adds a command, replacing any command of the same name.
    public func register(_ spec: CommandSpec) {
        commands.withLock { $0[spec.name] = spec }
    }

    public func register(_ specs: [CommandSpec]) {
        commands.withLock { commands in
            for spec in specs { commands[spec.name] = spec }
        }
    }

    public func unregister(_ name: String) {
        _ = commands.withLock { $0.removeValue(forKey: name) }
    }

    public func spec(named name: String) -> CommandSpec? {
        commands.withLock { $0[name] }
    }

    public func contains(_ name: String) -> Bool {
        commands.withLock { $0[name] != nil }
    }

    /// Command names in alphabetical order.
    public var names: [String] {
        commands.withLock { $0.keys.sorted() }
    }

    /// Commands in alphabetical order of name.
    public var specs: [CommandSpec] {
        commands.withLock { $0.values.sorted { $0.name < $1.name } }
    }
}
