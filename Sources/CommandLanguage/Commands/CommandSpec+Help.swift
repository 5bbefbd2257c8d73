/// Help text for a command, shared by `help VERB` and inspection.
extension CommandSpec {
    /// Usage and summary, the parameters, and with `detailed` the details and examples.
    public func helpText(detailed: Bool) -> String {
        var lines = [displayUsage, "  \(summary)"]
        let rows = parameterRows
        if !rows.isEmpty {
            lines.append("")
            lines.append("Parameters:")
            let nameWidth = rows.map(\.name.count).max() ?? 0
            let typeWidth = rows.map(\.type.count).max() ?? 0
            for row in rows {
                let name = Self.pad(row.name, nameWidth)
                let type = Self.pad(row.type, typeWidth)
                let note = row.note.isEmpty ? "" : " (\(row.note))"
                lines.append("  \(name)  \(type)  \(row.help)\(note)")
            }
        }
        if !keywords.isEmpty {
            lines.append("")
            lines.append("Keywords: \(keywords.joined(separator: ", "))")
        }
        if detailed {
            if !details.isEmpty {
                lines.append("")
                lines.append(details)
            }
            if !examples.isEmpty {
                lines.append("")
                lines.append("Examples:")
                lines.append(contentsOf: examples.map { "  \($0)" })
            }
        }
        return lines.joined(separator: "\n")
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

    /// `help VERB` as a table: one row per argument, details and examples in the footer.
    var helpTable: Table {
        var footer: [String] = []
        if !keywords.isEmpty { footer.append("Keywords: \(keywords.joined(separator: ", "))") }
        if !details.isEmpty { footer.append(details) }
        if !examples.isEmpty { footer.append("Examples:\n" + examples.map { "  \($0)" }.joined(separator: "\n")) }
        return Table(title: "\(displayUsage)\n  \(summary)", columns: ["parameter", "type", "default", "description"],
                     rows: parameterRows.map { [.string($0.name), .string($0.type), .string($0.defaultText), .string($0.help)] },
                     footer: footer.isEmpty ? nil : footer.joined(separator: "\n\n"))
    }

    private typealias Row = (name: String, type: String, note: String, defaultText: String, help: String)

    private var parameterRows: [Row] {
        var rows: [Row] = []
        if let positional {
            var help = positional.help
            if let range = positional.range { help += " (\(range))" }
            if !positional.choices.isEmpty { help += " (one of: \(positional.choices.joined(separator: ", ")))" }
            let note = positional.required ? "required" : ""
            rows.append((positional.variadic ? "\(positional.name)..." : positional.name, positional.type.name,
                         note, note, help))
        }
        for parameter in parameters {
            var help = parameter.help
            if let range = parameter.range { help += " (\(range))" }
            if !parameter.choices.isEmpty { help += " (one of: \(parameter.choices.joined(separator: ", ")))" }
            let note = parameter.required ? "required" : parameter.defaultText.map { "default \($0)" } ?? ""
            rows.append((parameter.name, parameter.type.name, note,
                         parameter.required ? "required" : parameter.defaultText ?? "", help))
        }
        return rows
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
