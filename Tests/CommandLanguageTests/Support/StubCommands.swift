@testable import CommandLanguage

/// A domain error type the language does not know.
struct StubDomainError: Error, Equatable {
    let detail: String
}

/// A custom value standing in for an image.
struct StubImage: CustomValue {
    let width: Int
    let height: Int
    var kindName: String { "image" }
    var plainText: String { "<image \(width)×\(height)>" }
}

/// Stand-ins for domain commands, registered from tests the way the kernel registers real ones.
enum StubCommands {
    static let slice = CommandSpec(
        name: "slice",
        summary: "An XY section centred on a voxel.",
        details: "Coordinates are mip-0 voxels.",
        parameters: [
            ParameterSpec("x", .integer, required: true, help: "voxel x"),
            ParameterSpec("y", .integer, required: true, help: "voxel y"),
            ParameterSpec("z", .integer, required: true, help: "section z"),
            ParameterSpec("size", .integer, default: "1000", help: "output pixels per side"),
            ParameterSpec("layer", .string, default: "image", help: "layer to read", choices: ["image", "segmentation"]),
        ],
        examples: ["slice x=24899 y=14436 z=3739 size=500"]
    ) { invocation in
        let size = try invocation.int("size", default: 1000)
        _ = try invocation.int("x")
        _ = try invocation.string("layer", default: "image")
        return .custom(StubImage(width: size, height: size))
    }

    static let segment = CommandSpec(
        name: "segment",
        summary: "Segmentation IDs at voxel positions.",
        positional: PositionalSpec("POINTS", help: "a vector or a list of vectors", required: true),
        keywords: ["at"],
        examples: ["segment at (1, 2, 3)"]
    ) { invocation in
        guard invocation.hasKeyword("at") else {
            throw invocation.argumentError("at", "write: segment at (X, Y, Z)")
        }
        let point = try invocation.intVector3(at: 0)
        return .int(Int128(point.x + point.y + point.z))
    }

    static let dataset = CommandSpec(
        name: "dataset",
        summary: "Show or switch the dataset.",
        parameters: [ParameterSpec("image", .string, help: "image volume URL")],
        positional: PositionalSpec("NAME", .string, help: "a preset", choices: ["sample", "crant"])
    ) { invocation in
        .string(try invocation.positional.isEmpty ? "current" : invocation.string(at: 0))
    }

    static let fail = CommandSpec(name: "fail", summary: "Throws a domain error.") { _ in
        throw StubDomainError(detail: "chunk missing")
    }

    static let ask = CommandSpec(name: "ask", summary: "Asks for input.") { invocation in
        .string(try await invocation.output.input(prompt: "name? ", password: false))
    }

    static func session() -> Session {
        let session = Session()
        for spec in [slice, segment, dataset, fail, ask] { session.register(spec) }
        return session
    }
}
