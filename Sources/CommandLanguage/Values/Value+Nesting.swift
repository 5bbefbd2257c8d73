/// How deep lists, vectors and records nest, and the limit the language keeps them to.
///
/// Rendering, comparing and releasing a value recurse once per level, so a value built by
/// `let a = [a]` repeated ten thousand times would exhaust the stack of whichever thread touched it
/// next. The evaluator refuses to build one deeper than `maxNesting`, the parser's bracket limit.
extension Value {
    /// The most levels a value may nest.
    public static let maxNesting = Parser.maxNesting

    /// Levels of lists, vectors and records (0 for a number or a string), counted without recursion.
    public var nestingDepth: Int {
        var deepest = 0
        var pending: [(value: Value, depth: Int)] = [(self, 0)]
        while let (value, depth) = pending.popLast() {
            switch value {
            case .list(let elements), .vector(let elements):
                deepest = max(deepest, depth + 1)
                for element in elements where element.isContainer { pending.append((element, depth + 1)) }
            case .record(let record):
                deepest = max(deepest, depth + 1)
                for entry in record.entries where entry.value.isContainer { pending.append((entry.value, depth + 1)) }
            default:
                break
            }
        }
        return deepest
    }

    var isContainer: Bool {
        switch self {
        case .list, .vector, .record: return true
        default: return false
        }
    }
}
