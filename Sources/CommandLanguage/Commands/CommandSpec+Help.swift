/// Help text for a command, shared by `help VERB` and inspection.
extension CommandSpec {
    /// Usage and summary, the parameters, and with `detailed` the details and examples.
    public func helpText(detailed: Bool) -> String {
        helpPage.text(detailed: detailed)
    }

    /// `help VERB`: the usage as its signature, one row per argument, the details as paragraphs
    /// and the examples as cells.
    public var helpPage: HelpPage {
        var sections: [HelpPage.Section] = []
        let paragraphs = HelpPage.paragraphs(details)
        if !paragraphs.isEmpty { sections.append(HelpPage.Section(paragraphs: paragraphs)) }
        if !examples.isEmpty { sections.append(HelpPage.Section(heading: "Examples", examples: examples)) }
        return HelpPage(signature: displayUsage, summary: summary, parameters: parameterRows, keywords: keywords,
                        sections: sections)
    }

    /// One parameter's help, for inspecting `name=` under the cursor.
    public func parameterHelp(_ name: String) -> String? {
        guard let parameter = parameter(named: name) else { return nil }
        var text = "\(self.name) \(parameter.name)=\(parameter.placeholder)  (\(parameter.type)"
        if parameter.required { text += ", required" }
        if let defaultText = parameter.defaultText { text += ", default \(defaultText)" }
        if let range = parameter.range { text += ", \(range)" }
        text += ")\n  \(parameter.help)"
        if !parameter.choices.isEmpty { text += "\n  choices: \(parameter.choices.joined(separator: ", "))" }
        return text
    }

    /// The usage line, or the hand-written synopsis when the command has one.
    public var displayUsage: String { synopsis ?? usage }

    private var parameterRows: [HelpPage.Parameter] {
        var rows: [HelpPage.Parameter] = []
        if let positional {
            var help = positional.help
            if let range = positional.range { help += " (\(range))" }
            if !positional.choices.isEmpty { help += " (one of: \(positional.choices.joined(separator: ", ")))" }
            rows.append(HelpPage.Parameter(name: positional.variadic ? "\(positional.name)..." : positional.name,
                                           type: positional.type.name, defaultText: positional.required ? "required" : "",
                                           description: help))
        }
        for parameter in parameters {
            var help = parameter.help
            if let range = parameter.range { help += " (\(range))" }
            if !parameter.choices.isEmpty { help += " (one of: \(parameter.choices.joined(separator: ", ")))" }
            rows.append(HelpPage.Parameter(name: parameter.name, type: parameter.type.name,
                                           defaultText: parameter.required ? "required" : parameter.defaultText ?? "",
                                           description: help))
        }
        return rows
    }
}
