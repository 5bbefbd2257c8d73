import CommandLanguage

/// Commands about the conversation with the notebook rather than the data: `input` and `clear`.
enum InteractionCommands {
    static var all: [CommandSpec] { [input, clear] }

    static let input = CommandSpec(
        name: "input",
        summary: "Ask for a line of text (a name, a token) and return it.",
        details: "The question appears below the cell; with password=true what is typed is hidden. "
            + "Frontends that cannot answer (a notebook run headless) make this an error: pass the value directly instead.",
        parameters: [ParameterSpec("password", .bool, default: "false", help: "hide what is typed")],
        positional: PositionalSpec("PROMPT", .string, help: "the question to show"),
        examples: ["let name = input \"Neuron name? \"", "let token = input \"CAVE token: \" password=true"]
    ) { invocation in
        let prompt = invocation.positional.isEmpty ? "" : try invocation.string(at: 0)
        let password = try invocation.bool("password", default: false)
        return .string(try await invocation.output.input(prompt: prompt, password: password))
    }

    static let clear = CommandSpec(
        name: "clear",
        summary: "Clear the output of this cell shown so far.",
        parameters: [ParameterSpec("wait", .bool, default: "false", help: "clear only when the next output arrives (no flicker)")],
        examples: ["clear", "clear wait=true"]
    ) { invocation in
        (invocation.output as? KernelOutput)?.clear(wait: try invocation.bool("wait", default: false))
        return nil
    }
}
