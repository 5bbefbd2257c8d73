/// What `help COMMAND` and `help TOPIC` show: a signature, a summary, a parameter table, and sections
/// of prose paragraphs and example cells.
///
/// Help keeps its structure as a value of its own (not a `Table` with everything in the title and footer)
/// so that each display can show each part as what it is: the kernel's HTML puts the signature and the
/// examples in code blocks and the details in paragraphs; `plainText` lays the same parts out for a
/// terminal, and is also what inspection (Shift-Tab) shows.
public struct HelpPage: CustomValue, Equatable {
    /// One row of the parameter table.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var type: String
        /// "required", the default value, or empty.
        public var defaultText: String
        public var description: String

        public init(name: String, type: String, defaultText: String, description: String) {
            self.name = name
            self.type = type
            self.defaultText = defaultText
            self.description = description
        }
    }

    /// A heading (optional), paragraphs of prose, then example cells.
    public struct Section: Sendable, Equatable {
        public var heading: String?
        public var paragraphs: [String]
        /// Each one a cell (possibly of several lines) that can be typed as it stands.
        public var examples: [String]

        public init(heading: String? = nil, paragraphs: [String] = [], examples: [String] = []) {
            self.heading = heading
            self.paragraphs = paragraphs
            self.examples = examples
        }
    }

    /// How the command is called (`slice x=X y=Y z=Z [size=N] …`), or the topic's name.
    public var signature: String
    public var summary: String
    public var parameters: [Parameter]
    /// Bare words the command reads as its own (`at`, `root`, `clear`).
    public var keywords: [String]
    public var sections: [Section]

    public init(signature: String, summary: String, parameters: [Parameter] = [], keywords: [String] = [],
                sections: [Section] = []) {
        self.signature = signature
        self.summary = summary
        self.parameters = parameters
        self.keywords = keywords
        self.sections = sections
    }

    public var kindName: String { "help" }

    public var plainText: String { text(detailed: true) }

    /// Every example cell of every section, in order.
    public var allExamples: [String] { sections.flatMap(\.examples) }

    /// Paragraphs in `text`: each line of its own, blank lines dropped. Details are written one
    /// paragraph per line (long lines joined with `\` in the source), so a line break is a paragraph break.
    public static func paragraphs(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingSpaces }
            .filter { !$0.isEmpty }
    }

    // MARK: - Plain text

    /// Lines are wrapped to this many columns, so help reads in an 80-to-100-column terminal.
    public static let width = 88

    /// The signature, summary and parameter table, and with `detailed` the sections.
    public func text(detailed: Bool) -> String {
        var lines = [signature]
        lines.append(contentsOf: Self.wrap(summary, indent: "  "))
        if !parameters.isEmpty {
            lines.append("")
            lines.append("Parameters:")
            let nameWidth = parameters.map(\.name.count).max() ?? 0
            let typeWidth = parameters.map(\.type.count).max() ?? 0
            for row in parameters {
                let note = row.defaultText.isEmpty ? ""
                    : row.defaultText == "required" ? " (required)" : " (default \(row.defaultText))"
                lines.append("  \(Self.pad(row.name, nameWidth))  \(Self.pad(row.type, typeWidth))  \(row.description)\(note)")
            }
        }
        if !keywords.isEmpty {
            lines.append("")
            lines.append("Keywords: \(keywords.joined(separator: ", "))")
        }
        guard detailed else { return lines.joined(separator: "\n") }
        for section in sections {
            lines.append("")
            if let heading = section.heading { lines.append(heading + ":") }
            let indent = section.heading == nil ? "" : "  "
            for (index, paragraph) in section.paragraphs.enumerated() {
                if index > 0 { lines.append("") }
                lines.append(contentsOf: Self.wrap(paragraph, indent: indent))
            }
            if !section.examples.isEmpty && !section.paragraphs.isEmpty { lines.append("") }
            // Examples are not wrapped (each is typed as it stands): under their own heading two
            // columns in, after prose two columns further in than the prose.
            // Where an example spans lines, a blank line between examples tells one cell from the next.
            let exampleIndent = section.paragraphs.isEmpty ? "  " : indent + "  "
            let separated = section.examples.contains { $0.contains("\n") }
            for (index, example) in section.examples.enumerated() {
                if separated && index > 0 { lines.append("") }
                lines.append(contentsOf: example.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { exampleIndent + $0 })
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `text` broken at spaces into lines of at most `width` columns (a longer word keeps its own line).
    static func wrap(_ text: String, indent: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty, indent.count + line.count + 1 + word.count > width {
                lines.append(indent + line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(indent + line) }
        return lines
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
