/// Typed access to arguments. Each throws an `ArgumentError` naming the parameter, the value given
/// and what is expected, pointing at that argument in the cell.
extension Invocation {
    // MARK: Named parameters

    /// An integer inside the parameter's declared range (or, without one, any 64-bit integer).
    public func int(_ name: String) throws -> Int { try int(name, in: nil, fallback: nil) }
    public func int(_ name: String, default value: Int) throws -> Int { try int(name, in: nil, fallback: value) }

    /// An integer inside `range`, which overrides the declared range (for limits known only at run time).
    public func int(_ name: String, in range: NumberRange) throws -> Int { try int(name, in: range, fallback: nil) }
    public func int(_ name: String, in range: NumberRange, default value: Int) throws -> Int {
        try int(name, in: range, fallback: value)
    }

    public func uint64(_ name: String) throws -> UInt64 { try required(name, ParameterType("unsigned integer")) { $0.asUInt64 } }
    public func uint64(_ name: String, default value: UInt64) throws -> UInt64 {
        try optional(name, ParameterType("unsigned integer")) { $0.asUInt64 } ?? value
    }

    /// A number inside the parameter's declared range (numbers in a cell are always finite).
    public func double(_ name: String) throws -> Double {
        try checked(name, try required(name, .number) { $0.asDouble }, in: nil)
    }
    public func double(_ name: String, default value: Double) throws -> Double {
        guard let number = try optional(name, .number, { $0.asDouble }) else { return value }
        return try checked(name, number, in: nil)
    }

    /// An amount of memory (`536870912`, `"512 MB"`, `"2 GiB"`) inside `range` (or the declared one),
    /// as a byte count; nil when the parameter is not given. `inf`, `nan`, negatives and anything
    /// that is not an amount are errors that say so.
    public func byteCount(_ name: String, in range: NumberRange? = nil) throws -> Int? {
        guard let value = named[name] else { return nil }
        let given = "\(name)=\(value.briefText)"
        let hint = "Give bytes (536870912) or a string such as \"512 MB\" or \"2 GB\""
        switch ByteCount.parse(value) {
        case .failure(.notAnAmount):
            throw argumentError(name, "\(given) is not an amount of memory", hint: hint)
        case .failure(.notFinite):
            throw argumentError(name, "\(given) is not a finite amount of memory", hint: hint)
        case .failure(.negative):
            throw argumentError(name, "\(given) is negative; an amount of memory is 0 bytes or more", hint: hint)
        case .success(let bytes):
            let allowed = range ?? numberRanges[name] ?? Self.anyInt
            guard let count = allowed.int(bytes) else {
                throw EvaluationError.outOfRange(name, given: given, command: command, range: allowed, at: self.range(of: name))
            }
            return count
        }
    }

    public func string(_ name: String) throws -> String { try required(name, .string) { $0.asString } }
    public func string(_ name: String, default value: String) throws -> String {
        try optional(name, .string) { $0.asString } ?? value
    }

    public func bool(_ name: String) throws -> Bool { try required(name, .bool) { $0.asBool } }
    public func bool(_ name: String, default value: Bool) throws -> Bool { try optional(name, .bool) { $0.asBool } ?? value }

    public func list(_ name: String) throws -> [Value] { try required(name, .list) { $0.asList } }
    public func list(_ name: String, default value: [Value]) throws -> [Value] {
        try optional(name, .list) { $0.asList } ?? value
    }

    public func record(_ name: String) throws -> Record { try required(name, .record) { $0.asRecord } }

    /// A three-element vector (or list) of numbers, e.g. `(24899, 14436, 3739)`.
    public func vector3(_ name: String) throws -> SIMD3<Double> { try required(name, Self.vector3Type) { Self.vector3($0) } }

    /// A three-element vector (or list) of integers, e.g. voxel coordinates.
    public func intVector3(_ name: String) throws -> SIMD3<Int> {
        try required(name, Self.intVector3Type) { Self.intVector3($0) }
    }

    /// The raw value of a parameter the spec marks as required (or throws a missing-parameter error).
    public func value(required name: String) throws -> Value { try required(name, .any) { $0 } }

    // MARK: Positional arguments

    /// An integer positional argument inside `range`, or the positional's declared range.
    public func int(at index: Int, in range: NumberRange? = nil) throws -> Int {
        let value = try requiredPositional(index, .integer) { $0.asInt128 == nil ? Optional.none : $0 }
        let allowed = range ?? positionalRange ?? Self.anyInt
        guard let number = allowed.int(value) else { throw outOfRange(at: index, value, allowed) }
        return number
    }

    /// A number positional argument inside `range`, or the positional's declared range.
    public func double(at index: Int, in range: NumberRange? = nil) throws -> Double {
        let number = try requiredPositional(index, .number) { $0.asDouble }
        guard let allowed = range ?? positionalRange, !allowed.contains(number) else { return number }
        throw outOfRange(at: index, .float(number), allowed)
    }

    /// A number of seconds (the positional's declared range, else 0 to one day) as a `Duration`:
    /// `Duration.seconds` traps on a number past about 9.2e18, so nothing else makes one from a cell.
    public func seconds(at index: Int, in range: NumberRange? = nil) throws -> Duration {
        let allowed = range ?? positionalRange ?? NumberRange(0...86_400)
        return .seconds(try double(at: index, in: allowed))
    }
    public func string(at index: Int) throws -> String { try requiredPositional(index, .string) { $0.asString } }
    public func bool(at index: Int) throws -> Bool { try requiredPositional(index, .bool) { $0.asBool } }
    public func list(at index: Int) throws -> [Value] { try requiredPositional(index, .list) { $0.asList } }
    public func vector3(at index: Int) throws -> SIMD3<Double> {
        try requiredPositional(index, Self.vector3Type) { Self.vector3($0) }
    }
    public func intVector3(at index: Int) throws -> SIMD3<Int> {
        try requiredPositional(index, Self.intVector3Type) { Self.intVector3($0) }
    }

    // MARK: Derived numbers

    /// A number a command worked out from argument `name` (a voxel of a coarser mip, a tile index)
    /// as an `Int` inside `range`, or an `ArgumentError` on that argument, `what` saying what it became.
    public func int(_ value: Double, derivedFrom name: String, in range: NumberRange, what: String,
                    rounding rule: FloatingPointRoundingRule = .down) throws -> Int {
        if let number = range.int(value, rounding: rule) { return number }
        let given = named[name].map { "\(name)=\($0.briefText)" } ?? name
        throw EvaluationError(.argumentError,
                              "\(given) gives \(what) \(Value.format(value)), out of range for '\(command)': it must be \(range)",
                              range: self.range(of: name))
    }

    // MARK: Conversion

    /// Any 64-bit integer: the range of an integer parameter that declares none.
    static let anyInt = NumberRange(-0x1p63...0x1p63, shown: "-2^63 to 2^63-1")

    private func int(_ name: String, in range: NumberRange?, fallback: Int?) throws -> Int {
        let integer: (Value) -> Value? = { $0.asInt128 == nil ? Optional.none : $0 }
        let value: Value
        if let fallback {
            guard let given = try optional(name, .integer, integer) else { return fallback }
            value = given
        } else {
            value = try required(name, .integer, integer)
        }
        let allowed = range ?? numberRanges[name] ?? Self.anyInt
        guard let number = allowed.int(value) else {
            throw EvaluationError.outOfRange(name, given: "\(name)=\(value.briefText)", command: command, range: allowed,
                                             at: self.range(of: name))
        }
        return number
    }

    private func checked(_ name: String, _ number: Double, in range: NumberRange?) throws -> Double {
        guard let allowed = range ?? numberRanges[name], !allowed.contains(number) else { return number }
        throw EvaluationError.outOfRange(name, given: "\(name)=\((named[name] ?? .float(number)).briefText)", command: command,
                                         range: allowed, at: self.range(of: name))
    }

    private func outOfRange(at index: Int, _ value: Value, _ range: NumberRange) -> EvaluationError {
        EvaluationError.outOfRange(positionalName, given: "\(positionalName) \(value.briefText)", command: command,
                                   range: range, at: self.range(at: index))
    }

    private static let vector3Type = ParameterType("vector of three numbers")
    private static let intVector3Type = ParameterType("vector of three integers")

    private static func vector3(_ value: Value) -> SIMD3<Double>? {
        guard let elements = value.asList, elements.count == 3,
              let x = elements[0].asDouble, let y = elements[1].asDouble, let z = elements[2].asDouble else { return nil }
        return SIMD3(x, y, z)
    }

    private static func intVector3(_ value: Value) -> SIMD3<Int>? {
        guard let elements = value.asList, elements.count == 3,
              let x = elements[0].asInt, let y = elements[1].asInt, let z = elements[2].asInt else { return nil }
        return SIMD3(x, y, z)
    }

    private func optional<T>(_ name: String, _ type: ParameterType, _ convert: (Value) -> T?) throws -> T? {
        guard let value = named[name] else { return nil }
        guard let converted = convert(value) else {
            throw EvaluationError.wrongType(parameter: "parameter '\(name)'", command: command, expected: type,
                                            got: value, example: type.example.map { "\(name)=\($0)" },
                                            range: range(of: name))
        }
        return converted
    }

    private func required<T>(_ name: String, _ type: ParameterType, _ convert: (Value) -> T?) throws -> T {
        guard let converted = try optional(name, type, convert) else {
            throw EvaluationError.missingParameter(name, type: type, command: command, range: range)
        }
        return converted
    }

    private func requiredPositional<T>(_ index: Int, _ type: ParameterType, _ convert: (Value) -> T?) throws -> T {
        let label = positionalLabel(index)
        guard let value = value(at: index) else {
            let needed = index == 0 ? positionalName : label
            throw EvaluationError(.argumentError, "'\(command)' needs \(needed) (\(type.withArticle))",
                                  hint: type.example.map { "Write it like: \(command) \($0)" }, range: range)
        }
        guard let converted = convert(value) else {
            throw EvaluationError.wrongType(parameter: label, command: command, expected: type, got: value,
                                            example: type.example.map { "\(command) \($0)" }, range: range(at: index))
        }
        return converted
    }

    private func positionalLabel(_ index: Int) -> String {
        index == 0 ? "argument \(positionalName)" : "argument \(index + 1) (\(positionalName))"
    }
}

extension EvaluationError {
    static func wrongType(parameter: String, command: String, expected: ParameterType, got value: Value,
                          example: String?, range: SourceRange?) -> EvaluationError {
        EvaluationError(.argumentError,
                        "\(parameter) of '\(command)' expects \(expected.withArticle), got \(value.errorDescription)",
                        hint: example.map { "Write it like: \($0)" }, range: range)
    }

    static func missingParameter(_ name: String, type: ParameterType, command: String,
                                 range: SourceRange?) -> EvaluationError {
        EvaluationError(.argumentError, "missing required parameter '\(name)' of '\(command)'",
                        hint: "Add \(name)=\(type.example ?? "...")", range: range)
    }
}
