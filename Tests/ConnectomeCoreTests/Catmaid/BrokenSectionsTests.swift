import Testing
@testable import ConnectomeCore

@Suite("CATMAID broken sections")
struct BrokenSectionsTests {
    @Test func substitutesTheNextGoodSectionFollowingChains() {
        let broken = BrokenSections([10, 20, 21])
        #expect(broken.substitute(for: 9, depth: 30) == 9)
        #expect(broken.substitute(for: 10, depth: 30) == 11)
        #expect(broken.substitute(for: 20, depth: 30) == 22)
        #expect(broken.substitute(for: 21, depth: 30) == 22)
    }

    @Test func fallsBackToThePreviousGoodSectionAtTheEnd() {
        let broken = BrokenSections([7, 8, 9])
        #expect(broken.substitute(for: 8, depth: 10) == 6)
        #expect(broken.substitute(for: 9, depth: 10) == 6)
        #expect(BrokenSections([0, 1]).substitute(for: 0, depth: 2) == nil)
    }
}
