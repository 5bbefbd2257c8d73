@testable import ConnectomeCore
import Testing

@Suite("Unique names")
struct UniqueNamesTests {
    @Test func layerNamesTakeTheLowestFreeNumberFromTwo() {
        var names = UniqueNames(style: .layer, taken: ["image", "synapses", "synapses 3"])
        #expect(names.claim("synapses") == "synapses 2")
        #expect(names.claim("synapses") == "synapses 4")
        #expect(names.claim("somata") == "somata")
        #expect(names.claim("somata") == "somata 2")
        #expect(names.taken.isSuperset(of: ["image", "synapses 2", "synapses 4", "somata", "somata 2"]))
    }

    @Test func columnNamesFollowPandasFromOne() {
        var names = UniqueNames(style: .column)
        #expect(["id", "id", "x", "id"].map { names.claim($0) } == ["id", "id.1", "x", "id.2"])
        // A suffixed name already taken is skipped over.
        var again = UniqueNames(style: .column, taken: ["a", "a.1"])
        #expect(again.claim("a") == "a.2")
    }
}
