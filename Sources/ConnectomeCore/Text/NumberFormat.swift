/// How numbers read where users see them: summaries, table notes, warnings and error messages.
///
/// One home, so that a count reads "12,345 segments" in a scene summary, a table footer and a
/// skeleton's sentence alike, and a coordinate reads `24899` (not `24899.0`) in a message and a link's
/// summary alike. Plain ASCII and no locale: cell outputs are the same on every machine.
public enum NumberFormat {
    /// 12345 → "12,345"; -1234 → "-1,234".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var text = ""
        text.reserveCapacity(digits.utf8.count + digits.utf8.count / 3 + 1)
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return value < 0 ? "-" + text : text
    }

    /// "1 segment", "0 segments", "12,345 segments": the noun takes an `s` unless the count is one.
    public static func count(_ value: Int, _ noun: String) -> String {
        "\(grouped(value)) \(noun)\(value == 1 ? "" : "s")"
    }

    /// A whole number without a fractional part (`24899`, not `24899.0`); any other value, and
    /// wholes of 1e15 or more, as Swift writes it (`8.5`, `1000000000000000.0`, `1e+16`, `nan`).
    public static func plain(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// "(24899, 14436, 3739)": a position or voxel size, each coordinate `plain`.
    public static func vector(_ values: [Double]) -> String {
        "(" + values.map(plain).joined(separator: ", ") + ")"
    }
}
