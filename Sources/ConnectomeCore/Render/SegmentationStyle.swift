/// How segment IDs are coloured, alone or over EM.
///
/// IDs outside `segments` (when given) and ID 0 are left uncoloured: black when the segmentation is
/// shown alone, the EM underneath in an overlay.
public struct SegmentationStyle: Sendable, Equatable {
    /// Opacity of segment colours over the EM, 0…1 (overlays only).
    public var alpha: Double
    /// When set, only these IDs are coloured.
    public var segments: Set<SegmentID>?
    /// Colours chosen by the user; other IDs get `SegmentID.displayColor`.
    public var colors: [SegmentID: RGBColor]
    /// Colour only the pixels on a segment's boundary (opaque), leaving its inside uncoloured.
    public var outline: Bool

    public static let defaultAlpha = 0.35

    public init(alpha: Double = SegmentationStyle.defaultAlpha, segments: Set<SegmentID>? = nil,
                colors: [SegmentID: RGBColor] = [:], outline: Bool = false) {
        self.alpha = alpha
        self.segments = segments
        self.colors = colors
        self.outline = outline
    }
}
