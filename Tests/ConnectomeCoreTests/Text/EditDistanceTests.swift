@testable import ConnectomeCore
import Testing

@Suite("Edit distance")
struct EditDistanceTests {
    @Test func countsInsertionsDeletionsAndSubstitutions() {
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("abc", "") == 3)
        #expect(editDistance("xy-3d", "xy-3d") == 0)
        // A swap of neighbours is two steps here (the language's own suggestions count it as one).
        #expect(editDistance("slcie", "slice") == 2)
    }

    @Test func theCallerChoosesWhatALetterIs() {
        // "é" is one character but two UTF-8 bytes.
        #expect(editDistance("café", "cafe") == 1)
        #expect(editDistance("café".utf8, "cafe".utf8) == 2)
    }
}
