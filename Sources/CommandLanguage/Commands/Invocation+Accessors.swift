/// Typed access to arguments. Each throws an `ArgumentError` naming the parameter, the value given
/// and what is expected, pointing at that argument in the cell.
extension Invocation {
    // MARK: Named parameters

    public func int(_ name: String) throws -> Int { try required(name, .integer) { $0.asInt } }
    public func int(_ name: String, default value: Int) throws -> Int { try optional(name, .integer) { $0.asInt } ?? value }

    public func uint64(_ name: String) throws -> UInt64 { try required(name, ParameterType("unsigned integer")) { $0.asUInt64 } }
    public func uint64(_ name: String, default value: UInt64) throws -> UInt64 {
        try optional(name, ParameterType("unsigned integer")) { $0.asUInt64 } ?? value
    }

    public func double(_ name: String) throws -> Double { try required(name, .number) { $0.asDouble } }
    public func double(_ name: String, default value: Double) throws -> Double {
        try optional(name, .number) { $0.asDouble } ?? value
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

    public func int(at index: Int) throws -> Int { try requiredPositional(index, .integer) { $0.asInt } }
    public func double(at index: Int) throws -> Double { try requiredPositional(index, .number) { $0.asDouble } }
    public func string(at index: Int) throws -> String { try requiredPositional(index, .string) { $0.asString } }
    public func bool(at index: Int) throws -> Bool { try requiredPositional(index, .bool) { $0.asBool } }
    public func list(at index: Int) throws -> [Value] { try requiredPositional(index, .list) { $0.asList } }
    public func vector3(at index: Int) throws -> SIMD3<Double> {
        try requiredPositional(index, Self.vector3Type) { Self.vector3($0) }
    }
    public func intVector3(at index: Int) throws -> SIMD3<Int> {
        try requiredPositional(index, Self.intVector3Type) { Self.intVector3($0) }
    }

    // MARK: Conversion

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
