/// The commands every session has: `let` (for help; the parser handles it), `print`, `show`,
/// `help`, `vars`, `sleep`. They are ordinary `CommandSpec`s, registered like domain commands.
enum Builtins {
    static var all: [CommandSpec] { [bind, print, show, help, vars, sleep] }

    static let bind = CommandSpec(
        name: "let",
        summary: "Bind a value to a name.",
        details: """
            The value is an expression or a command's result. The name then stands for the value anywhere \
            an expression goes; a name that is also a command means the command at the start of a statement.
            """,
        examples: ["let size = 500", "let here = (24899, 14436, 3739)", "let ids = segment at here"],
        synopsis: "let NAME = VALUE"
    ) { _ in
        throw EvaluationError(.typeError, "'let' starts a statement: let NAME = VALUE")
    }

    static let print = CommandSpec(
        name: "print",
        summary: "Write values as text to the output, separated by spaces.",
        parameters: [
            ParameterSpec("stream", .string, default: "stdout", help: "where the text goes: stdout, or stderr for warnings",
                          choices: ["stdout", "stderr"]),
        ],
        positional: PositionalSpec("VALUE", help: "values to write", variadic: true),
        examples: ["print \"size is\" size", "print [1, 2, 3]", "print \"careful\" stream=\"stderr\""]
    ) { invocation in
        let text = invocation.positional.map(\.plainText).joined(separator: " ") + "\n"
        switch try invocation.string("stream", default: "stdout") {
        case "stdout": invocation.output.print(text)
        case "stderr": invocation.output.printError(text)
        case let other:
            throw invocation.argumentError("stream", "stream=\"\(other)\" is not an output stream",
                                           hint: "use stream=\"stdout\" (the default) or stream=\"stderr\"")
        }
        return nil
    }

    static let show = CommandSpec(
        name: "show",
        summary: "Display values now, before the cell ends.",
        details: "Only the last statement's value is shown at the end of a cell; show displays others on the way.",
        positional: PositionalSpec("VALUE", help: "values to display", variadic: true, required: true),
        examples: ["show (vars)", "let t = vars; show t"]
    ) { invocation in
        for value in invocation.positional { invocation.output.show(value, displayID: nil) }
        return nil
    }

    static let help = CommandSpec(
        name: "help",
        summary: "List the commands, show one command's parameters and examples, or describe the language.",
        details: "help language describes how values, names, commands and pipelines are written.",
        positional: PositionalSpec("COMMAND", .string, help: "a command name, or a topic",
                                   choices: LanguageHelp.topics.keys.sorted(), bareWords: .commandNames),
        examples: ["help", "help slice", "help language"]
    ) { invocation in
        guard let registry = invocation.environment?.registry else { return nil }
        guard let name = try invocation.positional.isEmpty ? nil : invocation.string(at: 0) else {
            let rows = registry.specs.map { [Value.string($0.name), .string($0.summary)] }
            return .table(Table(title: "Commands", columns: ["command", "summary"], rows: rows,
                                footer: "help COMMAND shows a command's parameters and examples; "
                                    + "help language shows how to write values, lists, let and pipelines"))
        }
        if let spec = registry.spec(named: name) { return .custom(spec.helpPage) }
        if let topic = LanguageHelp.topics[name] { return .custom(topic) }
        let suggestion = Suggestion.didYouMean(name, among: registry.names + LanguageHelp.topics.keys)
        throw EvaluationError(.nameError, "unknown command or help topic '\(name)'\(suggestion)",
                              hint: suggestion.isEmpty ? "Type help to list commands, or help language for the language" : nil,
                              range: invocation.range(at: 0))
    }

    static let vars = CommandSpec(
        name: "vars",
        summary: "Table of the bound variables, their kinds and values.",
        examples: ["vars"]
    ) { invocation in
        let bindings = invocation.environment?.variables.all ?? []
        let rows = bindings.map { [Value.string($0.name), .string($0.value.kindName), .string(summarize($0.value))] }
        return .table(Table(title: "Variables", columns: ["name", "kind", "value"], rows: rows,
                            footer: rows.isEmpty ? "no variables yet; bind one with: let NAME = VALUE" : nil))
    }

    static let sleep = CommandSpec(
        name: "sleep",
        summary: "Wait a number of seconds; an interrupt stops the wait.",
        details: "At most a day (86400 seconds); an interrupt ends the wait at once.",
        positional: PositionalSpec("SECONDS", .number, help: "how long to wait, in seconds", required: true,
                                   range: sleepRange),
        examples: ["sleep 2", "sleep 0.5"]
    ) { invocation in
        try await Task.sleep(for: try invocation.seconds(at: 0))
        return nil
    }

    /// A day: longer than any demonstration needs, short enough that a forgotten cell ends on its own.
    static let sleepRange = NumberRange(0...86_400, shown: "0 to 86400, one day")

    /// The first line of a value's text, cut to fit a table cell.
    static func summarize(_ value: Value) -> String {
        let text = value.plainText
        var line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let cut = line.count > 80 || line.count < text.count
        if line.count > 80 { line = String(line.prefix(79)) }
        return cut ? line + "…" : line
    }
}
