import CommandLanguage
import ConnectomeCore

/// `bounds=` of `supervoxels`: `[(x0, x1), (y0, y1), (z0, z1)]` (CAVEclient's 3 × 2 bounds) or
/// PyChunkedGraph's `"x0-x1_y0-y1_z0-z1"`, in voxels of the chunked graph's resolution.
enum LeafBoundsArgument {
    static let parameter = ParameterSpec("bounds", .any,
                                         help: "only leaves in this box: [(x0, x1), (y0, y1), (z0, z1)] voxels (or \"x0-x1_y0-y1_z0-z1\")")

    static func bounds(_ invocation: Invocation) throws -> LeafBounds? {
        guard let value = invocation.value("bounds") else { return nil }
        do {
            if case .string(let text) = value { return try LeafBounds(parsing: text) }
            guard case .list(let axes) = value else {
                throw ConnectomeError.argument("bounds= is \(value.errorDescription), not three (start, end) ranges")
            }
            return try LeafBounds(try axes.enumerated().map { index, axis in try pair(axis, axis: ["x", "y", "z"][min(index, 2)]) })
        } catch let error as ConnectomeError {
            throw invocation.argumentError("bounds", error.message,
                                           hint: error.hint.isEmpty ? "Write bounds=[(0, 512), (0, 512), (0, 64)]" : error.hint)
        }
    }

    private static func pair(_ value: Value, axis: String) throws(ConnectomeError) -> (Int, Int) {
        let parts: [Value]
        switch value {
        case .vector(let items), .list(let items): parts = items
        default: throw ConnectomeError.argument("bounds \(axis) is \(value.errorDescription), not (start, end)")
        }
        guard parts.count == 2 else {
            throw ConnectomeError.argument("bounds \(axis) has \(parts.count) numbers; give (start, end)")
        }
        var ends: [Int] = []
        for part in parts {
            guard let number = part.asDouble, number.rounded() == number, abs(number) <= Double(LeafBounds.maxCoordinate) else {
                throw ConnectomeError.argument("bounds \(axis) has \(part.plainText), not an integer from 0 to 2^40")
            }
            ends.append(Int(number))
        }
        return (ends[0], ends[1])
    }
}
