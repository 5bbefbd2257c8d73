/// The box the chunked graph's `leaves` call is limited to: half-open voxel ranges x, y and z at the
/// graph's resolution (CAVEclient's `bounds=[[x0, x1], [y0, y1], [z0, z1]]`).
///
/// PyChunkedGraph reads the query parameter as `x0-x1_y0-y1_z0-z1`, splitting at `-`, so a negative
/// coordinate cannot be written: bounds are checked to be 0 ≤ start < end ≤ 2^40 on each axis.
public struct LeafBounds: Sendable, Equatable {
    public let x: Range<Int>
    public let y: Range<Int>
    public let z: Range<Int>

    /// The largest coordinate accepted (the kernel's coordinate range).
    public static let maxCoordinate = 1 << 40

    /// `ranges` are (start, end) for x, y and z.
    public init(_ ranges: [(Int, Int)]) throws(ConnectomeError) {
        guard ranges.count == 3 else {
            throw ConnectomeError.argument("bounds have \(ranges.count) axes; give (start, end) for x, y and z",
                                           hint: "Write bounds=[(x0, x1), (y0, y1), (z0, z1)] in voxels")
        }
        var checked: [Range<Int>] = []
        for (axis, (start, end)) in zip(["x", "y", "z"], ranges) {
            guard start >= 0, end <= Self.maxCoordinate, start < end else {
                throw ConnectomeError.argument(
                    "bounds \(axis) (\(start), \(end)) is not a range 0 ≤ start < end ≤ 2^40",
                    hint: "Give voxels of the chunked graph's resolution, start below end; the chunked graph cannot read negative bounds")
            }
            checked.append(start..<end)
        }
        x = checked[0]
        y = checked[1]
        z = checked[2]
    }

    /// Parses PyChunkedGraph's own form, `x0-x1_y0-y1_z0-z1`.
    public init(parsing text: String) throws(ConnectomeError) {
        let axes = text.split(separator: "_", omittingEmptySubsequences: false)
        var ranges: [(Int, Int)] = []
        for part in axes {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard axes.count == 3, ends.count == 2, ends.allSatisfy({ !$0.isEmpty && $0.count <= 14 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  let start = Int(ends[0]), let end = Int(ends[1]) else {
                throw ConnectomeError.argument("bounds \"\(text.prefix(80))\" is not x0-x1_y0-y1_z0-z1 (non-negative integers)",
                                               hint: "Write bounds=\"0-512_0-512_0-64\" or bounds=[(0, 512), (0, 512), (0, 64)]")
            }
            ranges.append((start, end))
        }
        try self.init(ranges)
    }

    /// The `bounds=` query value: `x0-x1_y0-y1_z0-z1` (CAVEclient's `package_bounds`).
    public var queryValue: String {
        [x, y, z].map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: "_")
    }
}
