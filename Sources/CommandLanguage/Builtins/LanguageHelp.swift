/// `help language`: how values, names, commands and pipelines are written.
///
/// The facts follow LANGUAGE.md and the lexer and parser (`Syntax/`); every example is a cell that
/// parses without a diagnostic and runs in a fresh kernel without data (tests run them all), so the
/// page cannot drift from what the parser reads.
enum LanguageHelp {
    /// Topics `help` knows besides command names, by the word that asks for them.
    static let topics: [String: HelpPage] = ["language": page]

    static let page = HelpPage(
        signature: "help language",
        summary: "How to write values, names, commands and pipelines in a cell.",
        sections: [
            HelpPage.Section(
                heading: "Statements and comments",
                paragraphs: [
                    "A cell is a sequence of statements. A newline ends a statement, except inside (), [] or {}, "
                        + "so a long list may span lines; ; also separates statements on one line.",
                    "# starts a comment that runs to the end of the line (inside quotes it is just a character).",
                    "The value of the last statement is the cell's result; show VALUE displays a value on the way, "
                        + "print VALUE... writes values as text.",
                ],
                examples: [
                    "# a comment on a line of its own\nprint \"hello\"  # and one after a statement",
                    "print 1; print 2",
                    "let sizes = [\n    256,\n    512,\n]",
                ]),
            HelpPage.Section(
                heading: "Numbers",
                paragraphs: [
                    "Integers are written in decimal, with _ between digits if you like: 42, -7, 1_000_000. They are "
                        + "exact over the whole unsigned 64-bit range, so a neuron ID such as 720575940621039145 "
                        + "keeps every digit and is never shown in exponent form.",
                    "A number with a fraction or an exponent is a floating-point number: 1.5, -0.25, 8e-9.",
                ],
                examples: ["print 42 -7 1_000_000", "print 720575940621039145", "print 1.5 -0.25 8e-9"]),
            HelpPage.Section(
                heading: "Strings",
                paragraphs: [
                    "Text goes in double or single quotes: \"EM\" or 'EM'. Inside, \\\" and \\' are quotes, \\\\ a "
                        + "backslash, \\n a newline and \\t a tab; any other backslash is an error (write \\\\ for "
                        + "a backslash).",
                ],
                examples: ["print \"say \\\"hi\\\"\" 'it\\'s'", "print \"two\\nlines\"", "print \"C:\\\\data\""]),
            HelpPage.Section(
                heading: "true, false and null",
                paragraphs: [
                    "true and false are the two booleans (overlay=true); null is no value. None of the three can be "
                        + "the name of a variable.",
                ],
                examples: ["print true false null"]),
            HelpPage.Section(
                heading: "Names and let",
                paragraphs: [
                    "let NAME = VALUE binds a value to a name; the value may be an expression or a command's result. "
                        + "A name is letters, digits and _, not starting with a digit. Written later, the name "
                        + "stands for its value; vars lists the names bound so far.",
                    "A name that is also a command means the command at the start of a statement and the variable "
                        + "anywhere else.",
                ],
                examples: ["let size = 500\nprint size", "let here = (512, 512, 32)\nhere", "vars"]),
            HelpPage.Section(
                heading: "Lists",
                paragraphs: [
                    "[a, b, c] holds values in order; [] is the empty list. Elements may be any values, lists too; "
                        + "a comma after the last element is allowed.",
                ],
                examples: ["[1, 2, 3]", "[\"EM\", 'segmentation',]", "[[1, 2], [3, 4], []]"]),
            HelpPage.Section(
                heading: "Vectors and positions",
                paragraphs: [
                    "(x, y, z) is a vector: two or more values in parentheses, separated by commas. Positions are "
                        + "vectors of mip-0 voxel coordinates, as in segment at (24899, 14436, 3739). One value in "
                        + "parentheses is just that value: (5) is 5.",
                ],
                examples: ["let here = (24899, 14436, 3739)", "(1.5, 2.5)", "[(500, 500, 32), (600, 420, 32)]"]),
            HelpPage.Section(
                heading: "Records",
                paragraphs: [
                    "{key: value, ...} holds named values. A key is a name, a string or an integer, and appears "
                        + "once.",
                ],
                examples: ["{name: \"DA1\", count: 3}", "{\"with spaces\": 1, 7: [1, 2], empty: null}"]),
            HelpPage.Section(
                heading: "Commands",
                paragraphs: [
                    "A statement that starts with a command name runs the command: the name, then its arguments. "
                        + "Named arguments are written name=value; positional arguments are plain values; some "
                        + "commands read a word of their own (segment at, valid root). help COMMAND lists a "
                        + "command's parameters.",
                    "A command in parentheses runs inside an expression, and its result is the value: (vars) is "
                        + "the table vars makes.",
                ],
                examples: ["sleep 0.1", "print \"careful\" stream=\"stderr\"", "show (vars)", "help sleep"]),
            HelpPage.Section(
                heading: "Pipelines",
                paragraphs: [
                    "LEFT | COMMAND gives the value on the left to the command on the right as its first positional "
                        + "argument; pipelines chain (a | b | c). The left side may be a command or a value.",
                ],
                examples: ["vars | show", "[1, 2, 3] | print", "let ids = [576460752664524086]\nids | valid root"]),
            HelpPage.Section(
                heading: "Neuron IDs",
                paragraphs: [
                    "A neuron (segment) ID is an integer written in full, as 576460752664524086; quotes are not "
                        + "needed. Where a command takes IDS it accepts one ID, a list of IDs, a string of IDs "
                        + "separated by commas or spaces (as copied from a spreadsheet or neuroglancer), a table "
                        + "with an id column (what neurons and valid return), or a scene (its segments).",
                ],
                examples: [
                    "valid root 576460752664524086",
                    "valid root [576460752664524086, 576460752590602315]",
                    "valid root \"576460752664524086, 576460752590602315\"",
                ]),
        ])
}
