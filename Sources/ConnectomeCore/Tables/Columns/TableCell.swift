import Foundation

/// One cell as a value: for display, tests and small tables, never for scans over a column.
public enum TableCell: Sendable, Equatable, CustomStringConvertible {
    case null
    case uint64(UInt64)
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    case timestamp(Int64, TimeUnit, timeZone: String?)
    case string(String)
    case stringList([String?])
    case vector([Double])
    case intVector([Int64])

    public var isNull: Bool { self == .null }

    /// The text a CSV cell holds (what `CSVWriter` writes and pandas reads back); nil for null.
    ///
    /// IDs as exact decimals, doubles in their shortest round-trip form, booleans as Python spells
    /// them, lists and vectors as JSON arrays, timestamps as `2024-05-01 12:30:00.5+00:00`.
    public var text: String? {
        switch self {
        case .null: return nil
        case .uint64(let value): return String(value)
        case .int64(let value): return String(value)
        case .double(let value): return Self.doubleText(value)
        case .bool(let value): return value ? "True" : "False"
        case .timestamp(let value, let unit, let zone): return TimestampText.format(value, unit: unit, timeZone: zone)
        case .string(let value): return value
        case .stringList(let values): return Self.jsonArray(values)
        case .vector(let values): return "[" + values.map(Self.doubleText).joined(separator: ", ") + "]"
        case .intVector(let values): return "[" + values.map(String.init).joined(separator: ", ") + "]"
        }
    }

    public var description: String { text ?? "null" }

    /// Python's `repr` of a float for the finite values (`5.0`, `0.1`, `1e-05`, `1e+16`); `inf`, `-inf`, `nan`.
    static func doubleText(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }

    /// `["a", "b", null]` with JSON escapes.
    static func jsonArray(_ values: [String?]) -> String {
        var text = "["
        for (index, value) in values.enumerated() {
            if index > 0 { text += ", " }
            if let value { appendJSONString(value, to: &text) } else { text += "null" }
        }
        return text + "]"
    }

    static func appendJSONString(_ value: String, to text: inout String) {
        text.append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text.append("\"")
    }
}

/// Timestamps as text, by hand (the column stores integers; Foundation's formatters are slow per cell).
enum TimestampText {
    /// `YYYY-MM-DD HH:MM:SS[.fraction][±HH:MM]`: the fraction only when non-zero, the offset only with a zone.
    static func format(_ value: Int64, unit: TimeUnit, timeZone: String?) -> String {
        let perSecond = unit.perSecond
        var seconds = value / perSecond
        var fraction = value % perSecond
        if fraction < 0 { fraction += perSecond; seconds -= 1 }
        // Beyond ±10^13 s (±300,000 years) no calendar is meaningful, and the arithmetic below could overflow.
        guard abs(seconds) < 10_000_000_000_000 else { return "\(value) \(unit.rawValue) since 1970" }
        var offset = 0
        if let timeZone, let zone = TimeZone(identifier: timeZone) {
            offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
        }
        let local = seconds + Int64(offset)
        var days = local / 86_400
        var secondOfDay = local % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = civil(days: days)
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) "
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fraction != 0 {
            let digits = String(perSecond).count - 1
            var fractionText = pad(fraction, digits)
            while fractionText.hasSuffix("0") { fractionText.removeLast() }
            text += "." + fractionText
        }
        if timeZone != nil {
            let sign = offset < 0 ? "-" : "+"
            let minutes = abs(offset) / 60
            text += "\(sign)\(pad(Int64(minutes / 60), 2)):\(pad(Int64(minutes % 60), 2))"
        }
        return text
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Year, month, day of a day number since 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
