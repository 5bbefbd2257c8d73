import ImageCodecs

/// A rectangle in one section's plane, in stack voxels of a given zoom level (x = image columns,
/// y = image rows; see `StackOrientation` for what they are in project space).
public struct StackPlaneRegion: Sendable, Hashable, CustomStringConvertible {
    public var x: Range<Int>
    public var y: Range<Int>

    public init(x: Range<Int>, y: Range<Int>) {
        self.x = x
        self.y = y
    }

    /// `width` × `height` voxels whose centre voxel is (`x`, `y`).
    public static func centred(x: Int, y: Int, width: Int, height: Int) -> StackPlaneRegion {
        let left = x - width / 2
        let top = y - height / 2
        return StackPlaneRegion(x: left..<(left + width), y: top..<(top + height))
    }

    public var width: Int { x.count }
    public var height: Int { y.count }

    public var description: String {
        "x \(x.lowerBound)..<\(x.upperBound), y \(y.lowerBound)..<\(y.upperBound)"
    }
}

/// One section (or part of one) read from a stack mirror, with what it took to read it.
public struct StackSectionRead: Sendable {
    /// gray8, `region.width` × `region.height`; columns run along the stack's x, rows along its y.
    public var image: PixelImage
    public var stackID: Int
    public var mirrorID: Int
    public var zoom: Int
    /// The level-0 section index asked for.
    public var section: Int
    public var region: StackPlaneRegion
    /// Tiles (or N5 blocks) the region needed inside the stack's bounds.
    public var tilesTotal: Int
    /// Of those, the ones that held data.
    public var tilesFetched: Int
    /// Of those, the ones that did not exist (read as background).
    public var tilesMissing: Int
    /// Set when the asked section is broken and another one's image was read instead.
    public var brokenSubstitution: (requested: Int, used: Int)?
    /// The grey value used for missing tiles and for the part of the region outside the stack.
    public var background: UInt8

    public init(image: PixelImage, stackID: Int, mirrorID: Int, zoom: Int, section: Int, region: StackPlaneRegion,
                tilesTotal: Int, tilesFetched: Int, tilesMissing: Int, brokenSubstitution: (requested: Int, used: Int)?,
                background: UInt8) {
        self.image = image
        self.stackID = stackID
        self.mirrorID = mirrorID
        self.zoom = zoom
        self.section = section
        self.region = region
        self.tilesTotal = tilesTotal
        self.tilesFetched = tilesFetched
        self.tilesMissing = tilesMissing
        self.brokenSubstitution = brokenSubstitution
        self.background = background
    }

    /// A one-line account for the notebook: what was read, and anything that stood in for data.
    public var summary: String {
        var text = "stack \(stackID) mirror \(mirrorID) zoom \(zoom) section \(section) \(region): "
            + "\(tilesFetched)/\(tilesTotal) tiles"
        if tilesMissing > 0 { text += ", \(tilesMissing) missing (background \(background))" }
        if let brokenSubstitution {
            text += "; section \(brokenSubstitution.requested) is broken, showing section \(brokenSubstitution.used)"
        }
        return text
    }
}
