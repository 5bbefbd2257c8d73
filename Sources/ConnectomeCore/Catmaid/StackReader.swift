import Foundation
import ImageCodecs

/// Reads sections of CATMAID stacks from their mirrors: tiles (types 1, 4, 5) or N5 blocks (11).
///
/// Tiles and blocks of one read are fetched together (`readMany`, which HTTP stores overlap) and
/// decoded concurrently. Missing tiles read as the stack's background and are counted; broken
/// sections are replaced by the section CATMAID would show, and the result says so.
public struct StackReader: Sendable, CustomStringConvertible {
    public var opener: CatmaidStoreOpener
    public var credentials: CatmaidCredentials

    public init(opener: CatmaidStoreOpener, credentials: CatmaidCredentials = CatmaidCredentials()) {
        self.opener = opener
        self.credentials = credentials
    }

    public var description: String { "StackReader(\(credentials))" }

    /// Reads `region` (stack voxels at `zoom`) of level-0 section `section`.
    ///
    /// Parts of the region outside the stack are background; a region wholly outside, or a section
    /// outside 0..<depth, is an `.argument` error naming the bounds.
    public func readSection(stack: StackInfo, mirror: StackMirror, zoom: Int, region: StackPlaneRegion,
                            section: Int) async throws -> StackSectionRead {
        guard let source = mirror.tileSource else {
            _ = try stack.mirror(.id(mirror.id))  // throws the unsupported-type message
            throw ConnectomeError.unsupported("tile source type \(mirror.tileSourceType) is not read",
                                              hint: "supported tile source types are \(TileSourceType.supportedList)")
        }
        let level = try stack.size(zoom: zoom)
        guard (0..<stack.dimension.z).contains(section) else {
            throw ConnectomeError.argument(
                "section \(section) is outside stack \(stack.id) '\(stack.title)': its sections are 0..<\(stack.dimension.z)",
                hint: "sections are level-0 stack z indices; \(stack.orientation.axesExplained)")
        }
        guard region.x.lowerBound < region.x.upperBound, region.y.lowerBound < region.y.upperBound else {
            throw ConnectomeError.argument("the region \(region) is empty", hint: "give a width and height of at least 1")
        }
        guard let width = Checked.subtract(region.x.upperBound, region.x.lowerBound),
              let height = Checked.subtract(region.y.upperBound, region.y.lowerBound),
              Checked.multiply(width, height) != nil else {
            throw ConnectomeError.argument("the region \(region) is too large to hold in memory", hint: "read a smaller region")
        }
        let inside = StackPlaneRegion(x: region.x.clamped(to: 0..<level.x), y: region.y.clamped(to: 0..<level.y))
        guard inside.width > 0, inside.height > 0 else {
            throw ConnectomeError.argument(
                "the region \(region) is wholly outside stack \(stack.id) '\(stack.title)' at zoom \(zoom), "
                    + "whose plane is x 0..<\(level.x), y 0..<\(level.y)",
                hint: "coordinates are stack voxels of zoom \(zoom); \(stack.orientation.axesExplained)")
        }
        guard let used = stack.brokenSections.substitute(for: section, depth: stack.dimension.z) else {
            throw ConnectomeError.data("every section of stack \(stack.id) '\(stack.title)' is listed as broken")
        }
        let background = stack.background
        var canvas = Canvas(region: region, background: background)
        let counts: (total: Int, fetched: Int)
        switch source {
        case .n5:
            counts = try await readN5(stack: stack, mirror: mirror, zoom: zoom, inside: inside, section: used,
                                      into: &canvas)
        case .fileBased, .zoomDirectories, .directoryBased:
            counts = try await readTiles(source: source, mirror: mirror, zoom: zoom, level: level, inside: inside,
                                         section: used, into: &canvas)
        }
        return StackSectionRead(
            image: try PixelImage(width: region.width, height: region.height, format: .gray8, pixels: canvas.pixels),
            stackID: stack.id, mirrorID: mirror.id, zoom: zoom, section: section, region: region,
            tilesTotal: counts.total, tilesFetched: counts.fetched, tilesMissing: counts.total - counts.fetched,
            brokenSubstitution: used == section ? nil : (section, used), background: background)
    }

    /// Reads the given keys through the mirror's store, turning a refusal into an error that says
    /// which mirror wants which credentials.
    func fetch(_ keys: [String], from store: any KeyValueStore, mirror: StackMirror) async throws -> [Data?] {
        do {
            return try await store.readMany(keys)
        } catch let error as ConnectomeError where error.kind == .auth {
            let given = credentials.mirrors[mirror.id]
            throw ConnectomeError.auth(
                "mirror \(mirror.id) '\(mirror.title)' (\(mirror.imageBase)) refused access: \(error.message)",
                hint: given == nil
                    ? "this mirror needs HTTP Basic credentials: stack ... mirror=\(mirror.id) user=<name> password=true (you are asked for the password) or password=<password>"
                    : "the credentials for \(given!) were refused: check them and pass them again with stack ... mirror=\(mirror.id) user=<name> password=true")
        }
    }

    /// Refuses a read that would need more than `DataLimits.maxFetchesPerRead` tiles or blocks
    /// (a tiny tile or block size in the data, or a huge region) before any key is made.
    static func checkFetchCount(_ columns: Int, _ rows: Int, of what: String, region: StackPlaneRegion,
                                source: String) throws(ConnectomeError) {
        guard let count = Checked.multiply(columns, rows), count <= DataLimits.maxFetchesPerRead else {
            throw ConnectomeError.argument(
                "the region \(region) of \(source) covers \(columns) × \(rows) \(what), more than the \(DataLimits.maxFetchesPerRead) one read fetches",
                hint: "read a smaller region or a coarser zoom level")
        }
    }
}

/// The output image being assembled, pre-filled with background.
struct Canvas {
    let region: StackPlaneRegion
    var pixels: [UInt8]

    init(region: StackPlaneRegion, background: UInt8) {
        self.region = region
        self.pixels = [UInt8](repeating: background, count: region.width * region.height)
    }
}
