/// Amounts of memory as people write them: `536870912`, `"512 MB"`, `"2 GiB"`, `"1.5G"`.
///
/// Decimal units (KB, MB, GB, TB) are powers of 1000, binary ones (KiB, … and the bare K, M, G, T)
/// powers of 1024, as `free` and `ls -h` use them.
public enum ByteCount {
    /// Why a value is not an amount of memory.
    public enum Problem: Error, Sendable, Equatable {
        /// Not a number with an optional unit ("lots", a list).
        case notAnAmount
        /// `inf`, `nan`.
        case notFinite
        case negative
    }

    private static let units: [(suffix: String, factor: Double)] = [
        ("TIB", 0x1p40), ("GIB", 0x1p30), ("MIB", 0x1p20), ("KIB", 0x1p10),
        ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3),
        ("T", 0x1p40), ("G", 0x1p30), ("M", 0x1p20), ("K", 0x1p10), ("B", 1),
    ]

    /// The bytes `value` stands for, still a `Double` (it may be far beyond any `Int`); the caller
    /// range-checks it before it becomes a count.
    public static func parse(_ value: Value) -> Result<Double, Problem> {
        if let number = value.asDouble { return check(number) }
        guard let raw = value.asString else { return .failure(.notAnAmount) }
        let text = trimmed(raw.uppercased()[...])
        var digits = text
        var factor = 1.0
        if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
            digits = text.dropLast(unit.suffix.count)
            factor = unit.factor
        }
        let number = String(trimmed(digits).filter { $0 != "_" })
        guard !number.isEmpty, number.allSatisfy({ "0123456789.+-EINFATY".contains($0) }),
              let amount = Double(number) else { return .failure(.notAnAmount) }
        return check(amount * factor)
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        var result = text.drop(while: isSpace)
        while let last = result.last, isSpace(last) { result = result.dropLast() }
        return result
    }

    private static func check(_ bytes: Double) -> Result<Double, Problem> {
        guard bytes.isFinite else { return .failure(.notFinite) }
        guard bytes >= 0 else { return .failure(.negative) }
        return .success(bytes)
    }

    /// "512 bytes", "1.5 GiB": a size as the cache table and errors show it.
    public static func format(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes), unit = 0
        while abs(value) >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        guard unit > 0 else { return "\(bytes) bytes" }
        let tenths = Int((abs(value) * 10).rounded())
        return "\(value < 0 ? "-" : "")\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
