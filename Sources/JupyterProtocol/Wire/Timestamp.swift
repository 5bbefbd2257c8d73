#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ISO 8601 UTC timestamps with microseconds (`2026-01-02T03:04:05.678901Z`), the header `date` format.
///
/// Written by hand from `clock_gettime` because a formatter per message would dominate the cost of a status
/// message.
enum Timestamp {
    static func now() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the current time's 27 bytes (what headers carry, without building a String).
    static func append(to out: inout [UInt8]) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func put(_ value: Int, digits: Int) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, digits: 4)
        out.append(UInt8(ascii: "-"))
        put(Int(parts.tm_mon) + 1, digits: 2)
        out.append(UInt8(ascii: "-"))
        put(Int(parts.tm_mday), digits: 2)
        out.append(UInt8(ascii: "T"))
        put(Int(parts.tm_hour), digits: 2)
        out.append(UInt8(ascii: ":"))
        put(Int(parts.tm_min), digits: 2)
        out.append(UInt8(ascii: ":"))
        put(Int(parts.tm_sec), digits: 2)
        out.append(UInt8(ascii: "."))
        put(Int(spec.tv_nsec / 1000), digits: 6)
        out.append(UInt8(ascii: "Z"))
    }
}
