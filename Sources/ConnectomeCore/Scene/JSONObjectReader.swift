import JSONModel

/// Takes typed members out of a JSON object one by one, so that what remains is the part we do not
/// model, kept verbatim for the round trip.
///
/// Errors name the member's path in the state (`layers[2].objectAlpha`), the value found and the
/// type expected.
struct JSONObjectReader {
    let path: String
    var rest: [String: JSONValue]

    init(_ value: JSONValue, path: String) throws(ConnectomeError) {
        guard case .object(let object) = value else {
            throw ConnectomeError.data("viewer state: `\(path.isEmpty ? "the state" : path)` is \(JSONObjectReader.show(value)); expected a JSON object")
        }
        self.path = path
        self.rest = object
    }

    func member(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ key: String, _ value: JSONValue, expected: String) -> ConnectomeError {
        ConnectomeError.data("viewer state: `\(member(key))` is \(Self.show(value)); expected \(expected)")
    }

    static func show(_ value: JSONValue) -> String {
        let text = value.text()
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }

    mutating func take(_ key: String) -> JSONValue? {
        guard let value = rest.removeValue(forKey: key) else { return nil }
        return value.isNull ? nil : value
    }

    mutating func string(_ key: String) throws(ConnectomeError) -> String? {
        guard let value = take(key) else { return nil }
        guard let text = value.stringValue else { throw fail(key, value, expected: "a string") }
        return text
    }

    mutating func bool(_ key: String) throws(ConnectomeError) -> Bool? {
        guard let value = take(key) else { return nil }
        guard let flag = value.boolValue else { throw fail(key, value, expected: "true or false") }
        return flag
    }

    mutating func double(_ key: String) throws(ConnectomeError) -> Double? {
        guard let value = take(key) else { return nil }
        guard let number = value.doubleValue else { throw fail(key, value, expected: "a number") }
        return number
    }

    mutating func int(_ key: String) throws(ConnectomeError) -> Int64? {
        guard let value = take(key) else { return nil }
        switch value {
        case .int(let number): return number
        case .uint(let number) where number <= UInt64(Int64.max): return Int64(number)
        case .double(let number) where number.rounded() == number && abs(number) < 9.0e15: return Int64(number)
        default: throw fail(key, value, expected: "an integer")
        }
    }

    mutating func doubles(_ key: String) throws(ConnectomeError) -> [Double]? {
        guard let value = take(key) else { return nil }
        return try Self.doubles(value, path: member(key))
    }

    static func doubles(_ value: JSONValue, path: String) throws(ConnectomeError) -> [Double] {
        guard case .array(let elements) = value else {
            throw ConnectomeError.data("viewer state: `\(path)` is \(show(value)); expected a list of numbers")
        }
        var result: [Double] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard let number = element.doubleValue else {
                throw ConnectomeError.data("viewer state: `\(path)[\(index)]` is \(show(element)); expected a number")
            }
            result.append(number)
        }
        return result
    }
}

/// Builds a JSON object on top of the members we did not model.
struct JSONObjectWriter {
    var object: [String: JSONValue]

    init(_ rest: [String: JSONValue]) { object = rest }

    mutating func set(_ key: String, _ value: JSONValue?) {
        if let value { object[key] = value }
    }
    mutating func set(_ key: String, _ value: String?) { set(key, value.map(JSONValue.string)) }
    mutating func set(_ key: String, _ value: Bool?) { set(key, value.map(JSONValue.bool)) }
    mutating func set(_ key: String, _ value: Double?) { set(key, value.map(JSONValue.number)) }
    mutating func set(_ key: String, _ value: [Double]?) { set(key, value.map(JSONValue.numbers)) }

    var json: JSONValue { .object(object) }
}

extension JSONValue {
    /// A number as JSON: integral values as integers (so `[100, 200, 50]` stays short), others as doubles.
    static func number(_ value: Double) -> JSONValue {
        if value.rounded() == value, abs(value) < 9.0e15 { return .int(Int64(value)) }
        return .double(value)
    }

    static func numbers(_ values: [Double]) -> JSONValue { .array(values.map(JSONValue.number)) }
}
