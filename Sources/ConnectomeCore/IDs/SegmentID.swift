import JSONModel

/// A neuron / segment / node ID: an unsigned 64-bit integer, never a `Double`.
///
/// CAVE root IDs sit near 2^59 to 2^60, beyond the 2^53 a JSON number or a float can hold exactly,
/// so IDs travel as decimal strings in JSON and are parsed only from exact integer text.
public struct SegmentID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ value: UInt64) { self.rawValue = value }
    public init(integerLiteral value: UInt64) { self.rawValue = value }

    public var description: String { String(rawValue) }

    public static func < (lhs: SegmentID, rhs: SegmentID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The JSON form neuroglancer and CAVE use: a decimal string.
    public var json: JSONValue { .string(description) }

    /// The raw values of `ids`, as one copy of their bytes (a `SegmentID` is one stored `UInt64`):
    /// ID columns of the chunked graph's answers run to millions of rows, and a `map` appended them
    /// one by one (0.2 ms per 100,000).
    public static func rawValues(_ ids: [SegmentID]) -> [UInt64] {
        ids.withUnsafeBytes { source in
            [UInt64](unsafeUninitializedCapacity: ids.count) { target, initialized in
                UnsafeMutableRawBufferPointer(target).copyMemory(from: source)
                initialized = ids.count
            }
        }
    }

    /// The sentence every ID error ends with.
    static let rangeHint = "IDs are whole numbers from 0 to 18446744073709551615"
}

// MARK: - Parsing

extension SegmentID {
    /// Parses one ID from its decimal text (surrounding whitespace allowed).
    public init(parsing text: String) throws(ConnectomeError) {
        var utf8 = Array(text.utf8)[...]
        Self.trim(&utf8)
        switch Self.parseDigits(utf8) {
        case .success(let value): self.init(value)
        case .failure(let reason): throw Self.error(quoted: text, reason: reason, position: nil)
        }
    }

    /// Parses a string holding one or more IDs separated by commas and/or whitespace
    /// (optionally inside one pair of brackets), e.g. `"1, 2 3"` or `"[1,2]"`.
    public static func parseList(_ text: String) throws(ConnectomeError) -> [SegmentID] {
        var bytes = Array(text.utf8)[...]
        trim(&bytes)
        if bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") {
            bytes = bytes.dropFirst().dropLast()
            trim(&bytes)
        }
        if bytes.isEmpty {
            throw ConnectomeError.argument("\"\(text)\" holds no IDs; \(rangeHint)")
        }
        var result: [SegmentID] = []
        result.reserveCapacity(bytes.count / 8)
        var index = bytes.startIndex
        var position = 0
        while index < bytes.endIndex {
            // One element runs to the next comma or whitespace.
            var end = index
            while end < bytes.endIndex, !isSeparator(bytes[end]) { end += 1 }
            position += 1
            let element = bytes[index..<end]
            if element.isEmpty {
                throw ConnectomeError.argument("element \(position) of the list is empty (two commas in a row?); \(rangeHint)")
            }
            switch parseDigits(element) {
            case .success(let value): result.append(SegmentID(value))
            case .failure(let reason):
                throw error(quoted: String(decoding: element, as: UTF8.self), reason: reason, position: position)
            }
            // Skip whitespace, at most one comma, then whitespace again.
            index = end
            while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: ",") {
                index += 1
                while index < bytes.endIndex, isSpace(bytes[index]) { index += 1 }
                if index == bytes.endIndex {
                    throw ConnectomeError.argument("element \(position + 1) of the list is empty (a trailing comma?); \(rangeHint)")
                }
            }
        }
        return result
    }

    /// Reads IDs from a JSON value: an integer, a string of one or more IDs, or a list of those.
    public static func parse(_ value: JSONValue) throws(ConnectomeError) -> [SegmentID] {
        if case .array(let elements) = value {
            var result: [SegmentID] = []
            result.reserveCapacity(elements.count)
            for (offset, element) in elements.enumerated() {
                result.append(try SegmentID(json: element, position: offset + 1))
            }
            return result
        }
        if case .string(let text) = value { return try parseList(text) }
        return [try SegmentID(json: value, position: nil)]
    }

    /// Reads one ID from a JSON integer or decimal string; `position` (1-based) names a list element in errors.
    public init(json: JSONValue, position: Int? = nil) throws(ConnectomeError) {
        switch json {
        case .uint(let value):
            self.init(value)
        case .int(let value):
            guard value >= 0 else {
                throw Self.error(quoted: String(value), reason: .negative, position: position, quote: false)
            }
            self.init(UInt64(value))
        case .double(let value):
            // A float holds an ID exactly only up to 2^53; above that the digits are already lost.
            if value.rounded() != value || !value.isFinite {
                throw Self.error(quoted: "\(value)", reason: .fractional, position: position, quote: false)
            }
            if value < 0 {
                throw Self.error(quoted: "\(value)", reason: .negative, position: position, quote: false)
            }
            guard value <= 9_007_199_254_740_992 else {
                throw Self.error(quoted: "\(value)", reason: .inexactFloat, position: position, quote: false)
            }
            self.init(UInt64(value))
        case .string(let text):
            var utf8 = Array(text.utf8)[...]
            Self.trim(&utf8)
            switch Self.parseDigits(utf8) {
            case .success(let value): self.init(value)
            case .failure(let reason): throw Self.error(quoted: text, reason: reason, position: position)
            }
        case .null:
            throw Self.error(quoted: "null", reason: .notANumber, position: position, quote: false)
        case .bool(let flag):
            throw Self.error(quoted: String(flag), reason: .notANumber, position: position, quote: false)
        case .array, .object:
            throw Self.error(quoted: json.text(), reason: .notANumber, position: position, quote: false)
        }
    }
}

// MARK: - Byte-level parsing (hot path: 100 000 IDs per string)

extension SegmentID {
    enum ParseFailure: Error {
        case empty, negative, fractional, exponent, overflow, notANumber, inexactFloat

        var explanation: String {
            switch self {
            case .empty: return " (it is empty)"
            case .negative: return " (it is negative)"
            case .fractional: return " (it has a fractional part)"
            case .exponent: return " (it is written as a floating-point number, which cannot hold every digit)"
            case .overflow: return " (it is larger than 18446744073709551615)"
            case .notANumber: return ""
            case .inexactFloat: return " (it is a floating-point number above 2^53, so its last digits are already lost; pass IDs as integers or strings)"
            }
        }
    }

    static func parseDigits(_ bytes: ArraySlice<UInt8>) -> Result<UInt64, ParseFailure> {
        guard !bytes.isEmpty else { return .failure(.empty) }
        var value: UInt64 = 0
        var index = bytes.startIndex
        if bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < bytes.endIndex else { return .failure(.notANumber) }
        while index < bytes.endIndex {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return .failure(classify(bytes)) }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 {
                let digits = bytes.first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes
                return .failure(digits.allSatisfy({ $0 &- 48 < 10 }) ? .overflow : classify(bytes))
            }
            value = sum
            index += 1
        }
        return .success(value)
    }

    /// Why text that is not a plain digit string is rejected, for the error message.
    static func classify(_ bytes: ArraySlice<UInt8>) -> ParseFailure {
        // Only plain decimal notation gets a specific reason (Double(_:) also reads hex, "inf", "nan").
        let numeric = bytes.allSatisfy { $0 &- 48 < 10 || $0 == 0x2E || $0 == 0x2B || $0 == 0x2D || $0 | 0x20 == 0x65 }
        let text = String(decoding: bytes, as: UTF8.self)
        guard numeric, let number = Double(text), bytes.contains(where: { $0 &- 48 < 10 }) else { return .notANumber }
        if number < 0 || bytes.first == UInt8(ascii: "-") { return .negative }
        if bytes.contains(UInt8(ascii: "e")) || bytes.contains(UInt8(ascii: "E")) { return .exponent }
        if number.rounded() != number { return .fractional }
        return .fractional
    }

    static func error(quoted: String, reason: ParseFailure, position: Int?, quote: Bool = true) -> ConnectomeError {
        let shown = quote ? "\"\(quoted)\"" : quoted
        let subject = position.map { "element \($0) of the list, \(shown)," } ?? shown
        return ConnectomeError.argument(
            "\(subject) is not an unsigned 64-bit integer\(reason.explanation); \(rangeHint)")
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isSeparator(_ byte: UInt8) -> Bool { isSpace(byte) || byte == UInt8(ascii: ",") }

    static func trim(_ bytes: inout ArraySlice<UInt8>) {
        while let first = bytes.first, isSpace(first) { bytes.removeFirst() }
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
    }
}
