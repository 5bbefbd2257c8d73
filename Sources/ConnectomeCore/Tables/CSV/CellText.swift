#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading one CSV cell's bytes as a number, a flag, null or a list, the way pandas' `read_csv` does.
enum CellText {
    /// pandas' default `na_values`: these cells are null.
    private static let nullSpellings: [[UInt8]] = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ].map { Array($0.utf8) }

    @inline(__always) static func isNull(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.isEmpty { return true }
        guard bytes.count <= 8 else { return false }
        let first = bytes[0]
        guard first == 0x23 || first == 0x2D || first == 0x31 || first == 0x3C || first == 0x4E || first == 0x6E else { return false }
        return nullSpellings.contains { $0.elementsEqual(bytes) }
    }

    /// Spaces and tabs around a number or flag are ignored.
    @inline(__always) static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// An integer's sign and magnitude; nil when the text is not `[+-]digits` or exceeds UInt64.
    @inline(__always) static func integer(_ text: UnsafeBufferPointer<UInt8>) -> (negative: Bool, magnitude: UInt64)? {
        var index = 0
        var negative = false
        if index < text.count, text[index] == 0x2D || text[index] == 0x2B {
            negative = text[index] == 0x2D
            index += 1
        }
        guard index < text.count else { return nil }
        var value: UInt64 = 0
        while index < text.count {
            let digit = text[index] &- 48
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            value = sum
            index += 1
        }
        return (negative, value)
    }

    /// The Int64 of an integer's sign and magnitude, nil when out of range.
    @inline(__always) static func int64(negative: Bool, magnitude: UInt64) -> Int64? {
        if negative {
            if magnitude <= UInt64(Int64.max) { return -Int64(magnitude) }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    private static let exactPowers: [Double] = (0...22).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }

    /// A decimal float (`1`, `-2.5`, `.5`, `5.`, `1e-3`, `inf`, `-Infinity`), or nil.
    ///
    /// Short decimals are converted exactly by Clinger's fast path (a mantissa below 2^53 times an
    /// exact power of ten is correctly rounded); longer ones go through `strtod`.
    static func double(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = text.count
        var index = 0
        var negative = false
        if index < count, text[index] == 0x2D || text[index] == 0x2B {
            negative = text[index] == 0x2D
            index += 1
        }
        guard index < count else { return nil }
        if text[index] | 0x20 == UInt8(ascii: "i") {
            guard count - index == 3 || count - index == 8 else { return nil }  // "inf", "infinity"
            let rest = String(decoding: UnsafeBufferPointer(rebasing: text[index...]), as: UTF8.self).lowercased()
            guard rest == "inf" || rest == "infinity" else { return nil }
            return negative ? -.infinity : .infinity
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        func accumulate(_ byte: UInt8) {
            sawDigit = true
            digits += 1
            if mantissa == 0 && byte == 48 { return }
            significant += 1
            if significant <= 19 {
                mantissa = mantissa &* 10 &+ UInt64(byte - 48)
            } else {
                exponent += 1  // digits past 19 only scale; the slow path is taken anyway
            }
        }
        while index < count, text[index] &- 48 < 10 {
            accumulate(text[index])
            index += 1
        }
        if index < count, text[index] == 0x2E {
            index += 1
            while index < count, text[index] &- 48 < 10 {
                accumulate(text[index])
                exponent -= 1
                index += 1
            }
        }
        guard sawDigit else { return nil }
        if index < count, text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count, text[index] == 0x2D || text[index] == 0x2B {
                exponentNegative = text[index] == 0x2D
                index += 1
            }
            guard index < count else { return nil }
            var value = 0
            while index < count, text[index] &- 48 < 10 {
                if value < 100_000 { value = value * 10 + Int(text[index] - 48) }
                index += 1
            }
            exponent += exponentNegative ? -value : value
        }
        guard index == count else { return nil }
        if significant <= 19, mantissa < 1 << 53, abs(exponent) <= 22 {
            let magnitude = Double(mantissa)
            let value = exponent >= 0 ? magnitude * exactPowers[exponent] : magnitude / exactPowers[-exponent]
            return negative ? -value : value
        }
        return slowDouble(text)
    }

    /// `strtod` on a NUL-terminated copy (the C locale: Swift programs never call `setlocale`).
    private static func slowDouble(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            for (index, byte) in text.enumerated() { buffer[index] = CChar(bitPattern: byte) }
            buffer[text.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, end == buffer.baseAddress! + text.count else { return nil }
            return value
        }
    }

    /// `True`/`False`/`true`/`false`/`TRUE`/`FALSE`.
    @inline(__always) static func bool(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
        // Compared as bytes: building a String for every four- or five-letter cell ("left") was
        // a measurable share of reading a large annotation table.
        switch text.count {
        case 4: return equalsAny(text, trueSpellings) ? true : nil
        case 5: return equalsAny(text, falseSpellings) ? false : nil
        default: return nil
        }
    }

    private static let trueSpellings: [[UInt8]] = ["True", "true", "TRUE"].map { Array($0.utf8) }
    private static let falseSpellings: [[UInt8]] = ["False", "false", "FALSE"].map { Array($0.utf8) }

    @inline(__always) private static func equalsAny(_ text: UnsafeBufferPointer<UInt8>, _ spellings: [[UInt8]]) -> Bool {
        spellings.contains { $0.elementsEqual(text) }
    }
}
