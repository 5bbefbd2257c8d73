import ConnectomeCore
import Testing

@Suite("Number format")
struct NumberFormatTests {
    @Test(arguments: [
        (0, "0"), (7, "7"), (999, "999"), (1_000, "1,000"), (12_345, "12,345"), (1_234_567, "1,234,567"),
        (-1_234, "-1,234"), (-999, "-999"), (Int.min, "-9,223,372,036,854,775,808"),
    ])
    func groupsThousands(value: Int, text: String) {
        #expect(NumberFormat.grouped(value) == text)
    }

    @Test func countsTakeAnSUnlessOne() {
        #expect(NumberFormat.count(1, "segment") == "1 segment")
        #expect(NumberFormat.count(0, "segment") == "0 segments")
        #expect(NumberFormat.count(12_345, "row") == "12,345 rows")
        #expect(NumberFormat.count(-1, "edge") == "-1 edges")
    }

    @Test func wholeNumbersLoseTheirFraction() {
        #expect(NumberFormat.plain(24_899) == "24899")
        #expect(NumberFormat.plain(-3) == "-3")
        #expect(NumberFormat.plain(8.5) == "8.5")
        #expect(NumberFormat.plain(1e15) == "1000000000000000.0")
        #expect(NumberFormat.plain(1e16) == "1e+16")
        #expect(NumberFormat.plain(.nan) == "nan")
        #expect(NumberFormat.plain(-.infinity) == "-inf")
        #expect(NumberFormat.vector([24_899, 14_436.5, 3_739]) == "(24899, 14436.5, 3739)")
        #expect(NumberFormat.vector([]) == "()")
    }
}
