/// The numbers an argument accepts, and the one place where a number from a cell becomes an `Int`.
///
/// A cell can hold numbers up to 2^64 and floats up to 1.8e308; a command that turns one into a
/// count, a coordinate or a `Duration` without looking traps the whole kernel. A parameter declares
/// its range (`ParameterSpec(..., range: 0...63)`): help shows it, the evaluator checks it before the
/// command runs, and the accessors convert through `int(_:)`, which never traps.
public struct NumberRange: Sendable, Hashable, CustomStringConvertible {
    public let lower: Double
    public let upper: Double
    /// How help and errors write the range, when the plain "A to B" does not say it well.
    public let shown: String?

    public init(_ range: ClosedRange<Double>, shown: String? = nil) {
        precondition(range.lowerBound.isFinite && range.upperBound.isFinite, "a range of finite numbers")
        lower = range.lowerBound
        upper = range.upperBound
        self.shown = shown
    }

    public init(_ range: ClosedRange<Int>, shown: String? = nil) {
        self.init(Double(range.lowerBound)...Double(range.upperBound), shown: shown)
    }

    /// ±2^40 (about ±1.1e12): wider than any volume (voxel coordinates of the largest EM datasets
    /// stay below 2^21), narrow enough that a coordinate plus a size, times a chunk size, fits an `Int`.
    public static let coordinate = NumberRange(-Double(1 << 40)...Double(1 << 40), shown: "-2^40 to 2^40 (±1099511627776)")

    /// Whether `value` lies inside (nan never does).
    public func contains(_ value: Double) -> Bool {
        value >= lower && value <= upper
    }

    /// Whether `value` is a number inside the range; nil when it is not a number at all.
    public func contains(_ value: Value) -> Bool? {
        switch value {
        case .int(let number): return contains(Double(number))
        case .float(let number): return contains(number)
        default: return nil
        }
    }

    /// The first number in `value` (itself, or inside its lists and vectors) that lies outside; nil when
    /// every number fits. Walks without recursion, so a deeply nested list cannot exhaust the stack.
    public func firstOutside(in value: Value) -> Value? {
        var pending = [value]
        while let next = pending.popLast() {
            switch next {
            case .int, .float:
                if contains(next) == false { return next }
            case .list(let elements), .vector(let elements):
                pending.append(contentsOf: elements.reversed())
            default:
                break
            }
        }
        return nil
    }

    /// `value` rounded by `rule` as an `Int`, when it is finite and inside the range; nil otherwise.
    public func int(_ value: Double, rounding rule: FloatingPointRoundingRule = .down) -> Int? {
        guard contains(value) else { return nil }
        return Int(exactly: value.rounded(rule))
    }

    /// An integer value (or a whole float, `1e3`) inside the range as an `Int`; nil otherwise.
    public func int(_ value: Value) -> Int? {
        guard let number = value.asInt128, contains(Double(number)) else { return nil }
        return Int(exactly: number)
    }

    /// "0 to 63", or the text given at init.
    public var description: String {
        shown ?? "\(Self.text(lower)) to \(Self.text(upper))"
    }

    /// A bound as a user writes it: whole numbers in digits, others as the language prints them.
    static func text(_ bound: Double) -> String {
        if bound.rounded() == bound, abs(bound) < 0x1p63, let whole = Int(exactly: bound) { return String(whole) }
        return Value.format(bound)
    }
}

extension EvaluationError {
    /// "x=1e19 is out of range for 'slice': x takes -2^40 to 2^40 (±1099511627776)".
    ///
    /// `given` is how the argument reads (`x=1e19`, `SECONDS 1e308`); `inside` names the number
    /// that broke the range when it sits inside a list or vector.
    public static func outOfRange(_ label: String, given: String, inside number: Value? = nil, command: String,
                                  range: NumberRange, hint: String? = nil, at place: SourceRange?) -> EvaluationError {
        let holds = number.map { " holds \($0.nestedText), which" } ?? ""
        let message = "\(given)\(holds) is out of range for '\(command)': \(label) takes \(range)"
        return EvaluationError(.argumentError, message, hint: hint, range: place)
    }
}
