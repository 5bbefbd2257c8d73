/// `inspect_request`: help for the verb, parameter or variable under the cursor.
extension Session {
    /// Plain-text help, or nil when the cursor is on nothing known. Detail 0 gives a command's usage,
    /// summary and parameters; detail 1 adds details and examples (and a variable's full text).
    public func inspect(_ code: String, cursor: Int, detailLevel: Int) -> String? {
        let context = CursorContext(code: code, cursor: cursor, registry: registry)
        guard let word = context.word?.text else { return nil }
        let detailed = detailLevel > 0
        switch context.place {
        case .commandStart:
            if let spec = registry.spec(named: word) { return spec.helpText(detailed: detailed) }
        case .argument(let spec, _, _):
            if context.followedByEquals, let help = spec.parameterHelp(word) { return help }
            if spec.keywords.contains(word) { return spec.helpText(detailed: detailed) }
        case .expression, .none:
            break
        }
        if let value = store.value(word) {
            let text = detailed ? value.plainText : Builtins.summarize(value)
            return "\(word): \(value.kindName)\n\(text)"
        }
        return registry.spec(named: word)?.helpText(detailed: detailed)
    }
}
