import ConnectomeCore
import Foundation
import Testing

/// The checks every `KeyValueStore` must pass, run against each store over the same objects.
///
/// A factory receives objects keyed by paths from a "world" root and returns a store rooted at
/// `vol/` inside that world, so that `../other/...` keys reach a sibling directory.
public enum StoreConformance {
    public typealias Factory = @Sendable (_ objects: [String: Data]) async throws -> any KeyValueStore

    public static let chunk = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) })
    public static let objects: [String: Data] = [
        "vol/info": Data(#"{"type":"image"}"#.utf8),
        "vol/s0/0-64_0-64_0-64": chunk,
        "vol/s0/64-128_0-64_0-64": Data("second".utf8),
        "vol/a/b/c/deep": Data("deep".utf8),
        "vol/empty": Data(),
        "vol/mesh/1:0": Data("fragment".utf8),
        "other/s1/x": Data("sibling".utf8),
    ]

    public static func run(_ makeStore: Factory) async throws {
        let store = try await makeStore(objects)

        // whole objects, nested keys
        #expect(try await store.read("info") == objects["vol/info"])
        #expect(try await store.read("s0/0-64_0-64_0-64") == chunk)
        #expect(try await store.read("a/b/c/deep") == Data("deep".utf8))
        #expect(try await store.read("mesh/1:0") == Data("fragment".utf8))

        // the empty object exists and is empty
        #expect(try await store.read("empty") == Data())

        // missing objects are nil, not errors
        #expect(try await store.read("nope") == nil)
        #expect(try await store.read("no/such/dir/chunk") == nil)
        #expect(try await store.read("s0/0-64_0-64_64-128") == nil)

        // ranges: middle, clipped at the end, past the end, empty
        #expect(try await store.read("s0/0-64_0-64_0-64", range: 100..<4196) == chunk.subdata(in: 100..<4196))
        #expect(try await store.read("s0/0-64_0-64_0-64", range: 4990..<6000) == chunk.subdata(in: 4990..<5000))
        #expect(try await store.read("s0/0-64_0-64_0-64", range: 0..<1) == chunk.prefix(1))
        #expect(try await store.read("s0/0-64_0-64_0-64", range: 6000..<7000) == Data())
        #expect(try await store.read("nope", range: 0..<10) == nil)

        // `..` and `.` in keys
        #expect(try await store.read("../other/s1/x") == Data("sibling".utf8))
        #expect(try await store.read("s0/../info") == objects["vol/info"])
        #expect(try await store.read("./a/./b/c/deep") == Data("deep".utf8))
        await #expect(throws: ConnectomeError.self) { try await store.read("../../../../../../../../x") }

        // many keys at once, in order, with missing ones
        let keys = ["info", "nope", "s0/0-64_0-64_0-64", "empty", "../other/s1/x", "s0/64-128_0-64_0-64"]
        let many = try await store.readMany(keys)
        #expect(many == [objects["vol/info"], nil, chunk, Data(), Data("sibling".utf8), Data("second".utf8)])
        #expect(try await store.readMany([]) == [])
    }
}
