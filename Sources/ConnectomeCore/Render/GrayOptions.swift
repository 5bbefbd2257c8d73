/// How stored voxel values become 8-bit grey: which values map to black and white, and whether to invert.
///
/// The default leaves uint8 EM exactly as stored, so a section shown in a notebook is the data,
/// not an enhanced picture of it; stretching is something the user asks for.
public struct GrayOptions: Sendable, Equatable {
    public var contrast: Contrast
    /// Black for high values and white for low ones (after the window).
    public var invert: Bool

    public init(contrast: Contrast = .standard, invert: Bool = false) {
        self.contrast = contrast
        self.invert = invert
    }
}

/// Which value range of the stored data spans black to white.
public enum Contrast: Sendable, Equatable {
    /// Integers over their type's full range (uint8 as stored), floats from the section's min to max.
    case standard
    /// No stretch at all: integers over their type's full range, floats over 0…1.
    case none
    /// Values from `low` (black) to `high` (white), in stored units; values outside are clipped.
    case window(low: Double, high: Double)
    /// The section's `low`-th to `high`-th percentiles (0…100) become black and white.
    case percentile(low: Double, high: Double)

    /// The usual automatic stretch: 0.5 % of the pixels clipped at each end.
    public static var auto: Contrast { .percentile(low: 0.5, high: 99.5) }
}

/// The stored values shown as black (`low`) and white (`high`): what a contrast setting resolved to.
public struct GrayWindow: Sendable, Equatable {
    public var low: Double
    public var high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    /// The 8-bit level of `value`: round((value − low) · 255 / (high − low)), clipped to 0…255.
    /// NaN is black; a window with `high ≤ low` thresholds at `low`.
    @inline(__always)
    func level(_ value: Double) -> UInt8 {
        let span = high - low
        guard span > 0 else { return value > low ? 255 : 0 }
        let scaled = (value - low) * 255 / span
        guard scaled > 0 else { return 0 }
        guard scaled < 255 else { return 255 }
        return UInt8(scaled + 0.5)
    }
}
