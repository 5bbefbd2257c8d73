/// Python's `int()`, `float()`, `bool()` and `str()` on a filter value: crantpy's `match_dtype`
/// converts each value to the column's type this way before comparing.
enum PythonCoercion {
    /// An integer value, or one outside Int64 (which no int64 cell equals).
    enum Integer: Equatable {
        case value(Int64)
        case outOfRange
    }

    /// `int(value)`: strings are decimal with optional sign, surrounding whitespace and `_` between
    /// digits; floats truncate toward zero; booleans are 0 and 1.
    static func integer(_ value: FilterValue) -> Result<Integer, Failure> {
        switch value {
        case .int(let number): return .success(.value(number))
        case .uint(let number): return .success(number <= UInt64(Int64.max) ? .value(Int64(number)) : .outOfRange)
        case .bool(let flag): return .success(.value(flag ? 1 : 0))
        case .double(let number):
            guard number.isFinite else { return .failure(Failure("cannot convert float \(TableCell.doubleText(number)) to integer")) }
            let truncated = number.rounded(.towardZero)
            guard truncated >= -9.223372036854775808e18, truncated < 9.223372036854775808e18 else { return .success(.outOfRange) }
            return .success(.value(Int64(truncated)))
        case .string(let text):
            var digits = Substring(text).drop { $0.isWhitespace }
            while let last = digits.last, last.isWhitespace { digits.removeLast() }
            var negative = false
            if let sign = digits.first, sign == "+" || sign == "-" {
                negative = sign == "-"
                digits.removeFirst()
            }
            guard isDigitRun(digits) else {
                return .failure(Failure("invalid literal for int() with base 10: '\(text)'"))
            }
            var magnitude: UInt64 = 0
            for character in digits where character != "_" {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(character.asciiValue! - 48))
                if overflow1 || overflow2 { return .success(.outOfRange) }
                magnitude = sum
            }
            if negative {
                if magnitude <= UInt64(Int64.max) { return .success(.value(-Int64(magnitude))) }
                return .success(magnitude == UInt64(Int64.max) + 1 ? .value(Int64.min) : .outOfRange)
            }
            return .success(magnitude <= UInt64(Int64.max) ? .value(Int64(magnitude)) : .outOfRange)
        }
    }

    /// `float(value)`: decimal or exponent notation, `inf`, `infinity`, `nan` (any case, signed).
    static func double(_ value: FilterValue) -> Result<Double, Failure> {
        switch value {
        case .int(let number): return .success(Double(number))
        case .uint(let number): return .success(Double(number))
        case .double(let number): return .success(number)
        case .bool(let flag): return .success(flag ? 1 : 0)
        case .string(let text):
            var body = Substring(text).drop { $0.isWhitespace }
            while let last = body.last, last.isWhitespace { body.removeLast() }
            var unsigned = body
            if let sign = unsigned.first, sign == "+" || sign == "-" { unsigned.removeFirst() }
            let lower = unsigned.lowercased()
            if ["inf", "infinity", "nan"].contains(lower) {
                let number = lower == "nan" ? Double.nan : Double.infinity
                return .success(body.first == "-" ? -number : number)
            }
            guard isDecimalFloat(unsigned), let number = Double(String(body.filter { $0 != "_" })) else {
                return .failure(Failure("could not convert string to float: '\(text)'"))
            }
            return .success(number)
        }
    }

    /// `bool(value)`: truthiness (the string "False" is true, as in crantpy).
    static func bool(_ value: FilterValue) -> Bool {
        switch value {
        case .string(let text): return !text.isEmpty
        case .int(let number): return number != 0
        case .uint(let number): return number != 0
        case .double(let number): return number != 0
        case .bool(let flag): return flag
        }
    }

    /// `str(value)`.
    static func text(_ value: FilterValue) -> String { value.description }

    struct Failure: Error, Equatable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// Digits with single underscores between them (Python's integer literal grammar).
    private static func isDigitRun(_ text: Substring) -> Bool {
        guard let first = text.first, let last = text.last, first.isASCIIDigit, last.isASCIIDigit else { return false }
        var previousUnderscore = false
        for character in text {
            if character == "_" {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if character.isASCIIDigit {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }

    /// `digits[.digits][e[±]digits]` or `.digits…`, digits allowing single underscores.
    private static func isDecimalFloat(_ text: Substring) -> Bool {
        var mantissa = text
        var exponent: Substring?
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = text[text.index(after: e)...]
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !mantissa.isEmpty, parts.count <= 2 else { return false }
        let integral = parts[0], fraction = parts.count == 2 ? parts[1] : ""
        guard !(integral.isEmpty && fraction.isEmpty) else { return false }
        guard integral.isEmpty || isDigitRun(integral), fraction.isEmpty || isDigitRun(fraction) else { return false }
        if var exponent {
            if let sign = exponent.first, sign == "+" || sign == "-" { exponent.removeFirst() }
            return isDigitRun(exponent)
        }
        return true
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}
