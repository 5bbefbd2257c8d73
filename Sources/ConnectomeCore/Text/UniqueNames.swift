/// Names made unique against those already taken, by a numbered suffix: the one rule for layer
/// names (a scene built or edited) and column names (a table read).
///
/// The first claim of a name keeps it; later claims of the same name get the style's suffix, the
/// lowest number whose name is still free. Every name handed out is taken from then on.
struct UniqueNames {
    enum Style {
        /// "synapses", "synapses 2", "synapses 3": neuroglancer layer names (as crantpy's).
        case layer
        /// "id", "id.1", "id.2": pandas' `mangle_dupe_cols`, so a CSV and a feather read alike.
        case column

        func name(_ base: String, _ number: Int) -> String {
            switch self {
            case .layer: return "\(base) \(number)"
            case .column: return "\(base).\(number)"
            }
        }

        var firstNumber: Int {
            switch self {
            case .layer: return 2
            case .column: return 1
            }
        }
    }

    let style: Style
    private(set) var taken: Set<String>

    init(style: Style, taken: some Sequence<String> = [String]()) {
        self.style = style
        self.taken = Set(taken)
    }

    /// `base` if it is free, else `base` with the lowest free number; taken from now on.
    mutating func claim(_ base: String) -> String {
        var name = base
        var number = style.firstNumber
        while taken.contains(name) {
            name = style.name(base, number)
            number += 1
        }
        taken.insert(name)
        return name
    }
}
