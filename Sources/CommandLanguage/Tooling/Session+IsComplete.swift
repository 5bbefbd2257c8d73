/// `is_complete`: falls out of the parser's diagnostics, since those raised at the end of the text
/// are marked as fixable by more input.
extension Session {
    public func isComplete(_ code: String) -> Completeness {
        let tree = Parser.parse(code)
        if tree.diagnostics.isEmpty { return .complete }
        guard tree.diagnostics.allSatisfy(\.expectsMoreInput) else { return .invalid }
        if tree.endsInsideString { return .incomplete(indent: "") }
        return .incomplete(indent: String(repeating: "    ", count: max(1, tree.openBracketDepth)))
    }
}
