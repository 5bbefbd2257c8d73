import CommandLanguage

/// Registers every command the kernel adds to the language's builtins.
enum KernelCommands {
    static func register(into registry: CommandRegistry, state: KernelState) {
        let specs = InteractionCommands.all
            + DatasetCommands.all(state: state)
            + SliceCommands.all(state: state)
            + CacheCommand.all(state: state)
            + CatmaidCommands.all(state: state)
            + NeuronCommands.all(state: state)
            + TableCommands.all(state: state)
            + ConnectivityCommands.all(state: state)
            + SkeletonCommands.all(state: state)
            + CaveCommands.all(state: state)
        for spec in specs {
            registry.register(spec)
        }
        registry.register(SceneCommands.all(state: state))
    }
}
