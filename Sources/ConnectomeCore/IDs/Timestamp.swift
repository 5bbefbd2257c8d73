import Foundation
import JSONModel

/// A point in time for chunked-graph and materialization queries, always UTC.
///
/// CAVE takes `timestamp=<unix seconds>`; users write ISO dates, Unix seconds, `now`, or a
/// materialization (`mat` = the latest version, `mat_<v>` = version v), which only the caller can
/// turn into a time because it needs the materialization service.
public enum Timestamp: Sendable, Equatable, CustomStringConvertible {
    /// A fixed instant.
    case instant(Date)
    /// The time the query is made.
    case now
    /// The timestamp of a materialization version; nil = the latest.
    case materialization(version: Int?)

    public init(unixSeconds: Double) { self = .instant(Date(timeIntervalSince1970: unixSeconds)) }

    /// Parses `now`, `mat`, `mat_<version>`, Unix seconds (`1700000000`, `1700000000.25`) or ISO 8601
    /// (`2024-05-01`, `2024-05-01T12:30:00`, `…:00.123Z`, `…+02:00`; no zone means UTC).
    public init(parsing text: String) throws(ConnectomeError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower == "now" { self = .now; return }
        if lower == "mat" || lower == "latest_mat" { self = .materialization(version: nil); return }
        if lower.hasPrefix("mat_") {
            let digits = lower.dropFirst(4)
            guard let version = Int(digits), version >= 0 else {
                throw ConnectomeError.argument(
                    "\"\(text)\" is not a materialization reference; write `mat` for the latest version or `mat_<version>` such as `mat_783`")
            }
            self = .materialization(version: version)
            return
        }
        if let seconds = Double(trimmed), trimmed.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }) {
            self = .instant(Date(timeIntervalSince1970: seconds))
            return
        }
        if let date = Self.parseISO8601(trimmed) {
            self = .instant(date)
            return
        }
        throw ConnectomeError.argument(
            "\"\(text)\" is not a timestamp",
            hint: "Write an ISO 8601 date-time in UTC (2024-05-01T12:30:00Z, 2024-05-01), Unix seconds (1714566600), `now`, `mat` or `mat_<version>`")
    }

    /// Reads a JSON number (Unix seconds) or string (as `init(parsing:)`).
    public init(json: JSONValue) throws(ConnectomeError) {
        switch json {
        case .string(let text): try self.init(parsing: text)
        case .int, .uint, .double: self.init(unixSeconds: json.doubleValue!)
        default:
            throw ConnectomeError.argument("\(json.text()) is not a timestamp; give a date string, Unix seconds, `now` or `mat`")
        }
    }

    /// The instant, with `now` and materializations resolved by the caller.
    public func resolved(now: Date = Date(), materialization: (Int?) throws -> Date) rethrows -> Date {
        switch self {
        case .instant(let date): return date
        case .now: return now
        case .materialization(let version): return try materialization(version)
        }
    }

    /// Seconds since 1970 UTC, as CAVE's `timestamp=` parameter wants; nil until resolved.
    public var unixSeconds: Double? {
        if case .instant(let date) = self { return date.timeIntervalSince1970 }
        return nil
    }

    public var description: String {
        switch self {
        case .now: return "now"
        case .materialization(nil): return "mat"
        case .materialization(let version?): return "mat_\(version)"
        case .instant(let date): return Self.iso8601(date)
        }
    }

    /// `2024-05-01T12:30:00Z`, with fractional seconds only when present.
    public static func iso8601(_ date: Date) -> String {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: date.timeIntervalSince1970.rounded() != date.timeIntervalSince1970,
                                            timeZone: TimeZone(identifier: "UTC")!)
        return date.formatted(style)
    }
}

// MARK: - ISO 8601 by hand

extension Timestamp {
    /// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff…]]][Z|±HH[:]MM|±HH]`; no zone means UTC.
    static func parseISO8601(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                let digit = Int(byte) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            index += width
            return value
        }
        func expect(_ char: Character) -> Bool {
            guard index < bytes.count, bytes[index] == char.asciiValue! else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offsetSeconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t") || bytes[index] == UInt8(ascii: " ") {
            index += 1
            guard let h = number(2), expect(":"), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h; minute = m
            if expect(":") {
                guard let s = number(2), s < 61 else { return nil }
                second = s
                if expect(".") || expect(",") {
                    let start = index
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
                    guard index > start, let value = Double("0." + String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
                    fraction = value
                }
            }
            if expect("Z") || expect("z") {
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let oh = number(2), oh < 24 else { return nil }
                var om = 0
                if index < bytes.count {
                    _ = expect(":")
                    guard let m = number(2), m < 60 else { return nil }
                    om = m
                }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            }
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
