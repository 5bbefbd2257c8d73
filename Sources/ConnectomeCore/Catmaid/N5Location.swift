/// Where a CATMAID N5 mirror (tile source 11) keeps one scale level, parsed from its `image_base`.
///
/// CATMAID's template looks like `https://host/data/stack.n5/volume/%SCALE_DATASET%/0_1_2`:
/// `%SCALE_DATASET%` becomes `s<zoom>`, the last path part lists which N5 dimension is the stack's
/// x, y and z (`2_1_0`: N5 dimension 2 is stack x), and the path part ending in `.n5` is the
/// container root (the server's origin when no part does). Dataset paths are relative to the root.
public struct N5Location: Sendable, Hashable {
    /// The container root URL, without a trailing slash.
    public var containerURL: String
    /// The dataset (scale level) path inside the container, `/`-separated, no leading slash.
    public var datasetPath: String
    /// For stack x, y, z in turn: the N5 dimension (N5 order, fastest-varying first) it runs along.
    public var stackAxes: [Int]

    public init(containerURL: String, datasetPath: String, stackAxes: [Int]) {
        self.containerURL = containerURL
        self.datasetPath = datasetPath
        self.stackAxes = stackAxes
    }

    public static let scalePlaceholder = "%SCALE_DATASET%"

    /// Resolves `imageBase` for `zoom`.
    public init(imageBase: String, zoom: Int) throws(ConnectomeError) {
        var template = imageBase
        while template.hasSuffix("/") { template.removeLast() }
        let formatted = template.replacingOccurrences(of: Self.scalePlaceholder, with: "s\(zoom)")
        guard let lastSlash = formatted.lastIndex(of: "/") else {
            throw Self.malformed(imageBase, "it has no '/'-separated path")
        }
        let axesPart = formatted[formatted.index(after: lastSlash)...]
        let axes = axesPart.split(separator: "_").compactMap { Int($0) }
        guard axes.count == 3, Set(axes) == [0, 1, 2], axesPart.split(separator: "_").count == 3 else {
            throw Self.malformed(imageBase, "its last path part '\(axesPart)' is not an axis order such as 0_1_2 or 2_1_0")
        }
        let path = String(formatted[..<lastSlash])
        let schemeEnd = path.range(of: "://")?.upperBound ?? path.startIndex
        let authorityEnd = path[schemeEnd...].firstIndex(of: "/") ?? path.endIndex
        let origin = String(path[..<authorityEnd])
        let parts = path[authorityEnd...].split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        if let containerIndex = parts.firstIndex(where: { $0.lowercased().hasSuffix(".n5") }) {
            containerURL = origin + "/" + parts[...containerIndex].joined(separator: "/")
            datasetPath = parts[(containerIndex + 1)...].joined(separator: "/")
        } else {
            containerURL = origin
            datasetPath = parts.joined(separator: "/")
        }
        guard !datasetPath.isEmpty else {
            throw Self.malformed(imageBase, "no dataset path follows the container '\(containerURL)'")
        }
        stackAxes = axes
    }

    private static func malformed(_ imageBase: String, _ why: String) -> ConnectomeError {
        ConnectomeError.data(
            "N5 mirror image base '\(imageBase)' cannot be read: \(why)",
            hint: "CATMAID's N5 image bases look like https://host/path/stack.n5/volume/%SCALE_DATASET%/0_1_2")
    }
}
