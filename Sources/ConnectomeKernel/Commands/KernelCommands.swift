import CommandLanguage

/// Registers every command the kernel adds to the language's builtins.
enum KernelCommands {
    static func register(into registry: CommandRegistry, state: KernelState) {
        for spec in InteractionCommands.all {
            registry.register(spec)
        }
    }
}
