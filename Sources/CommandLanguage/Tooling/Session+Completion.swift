/// `complete_request`: candidates for the word at the cursor, by what may stand there.
extension Session {
    /// Matches for the text at `cursor` (a code-point offset), the range they replace, and one kind
    /// per match: "command", "parameter", "keyword", "choice" or "variable".
    public func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int, end: Int, kinds: [String]) {
        let context = CursorContext(code: code, cursor: cursor, registry: registry)
        var candidates: [(String, String)] = []
        func offer(_ words: [String], _ kind: String) {
            candidates.append(contentsOf: words.map { ($0, kind) })
        }
        switch context.place {
        case .none:
            break
        case .commandStart(let afterPipe):
            offer(registry.names.filter { !(afterPipe && $0 == Parser.letKeyword) }, "command")
            offer(store.names, "variable")
        case .argument(let spec, _, let parameter?):
            offer(spec.parameter(named: parameter)?.choices ?? [], "choice")
            offer(store.names, "variable")
        case .argument(let spec, let given, nil):
            let suffix = context.followedByEquals ? "" : "="
            offer(spec.parameters.map(\.name).filter { !given.contains($0) }.map { $0 + suffix }, "parameter")
            offer((spec.otherParameterNames?(pipelineInput(context.upstreamStages)) ?? []).filter { !given.contains($0) }.map { $0 + suffix }, "parameter")
            if !context.followedByEquals {
                offer(spec.keywords.filter { !given.contains($0) }, "keyword")
                if let positional = spec.positional {
                    offer(positional.choices, "choice")
                    if positional.bareWords == .commandNames { offer(registry.names, "command") }
                }
                if let positional = spec.positional, positional.bareWords == .variables { offer(store.names, "variable") }
            }
        case .expression:
            offer(store.names, "variable")
        }
        var seen: Set<String> = []
        let matching = candidates.filter { $0.0.hasPrefix(context.prefix) && seen.insert($0.0).inserted }
        return (matching.map(\.0), context.replacement.start, context.replacement.end, matching.map(\.1))
    }

    /// The stages before the cursor's, with the first one's value when it is a bound variable.
    private func pipelineInput(_ stages: [String]) -> PipelineInput {
        guard let first = stages.first else { return .none }
        if let value = store.value(first) {
            return PipelineInput(source: value, commands: Array(stages.dropFirst()))
        }
        return PipelineInput(commands: stages)
    }
}
