import CommandLanguage
import ConnectomeCore

/// How `slice` turns voxels into pixels: overlay, colours, contrast.
struct SliceDisplayOptions {
    var overlay: Bool
    var alpha: Double
    /// Only these IDs are coloured (nil = all).
    var segments: Set<SegmentID>?
    var contrast: String
    var window: (low: Double, high: Double)?
    var invert: Bool

    init(invocation: Invocation) throws {
        overlay = try invocation.bool("overlay", default: false)
        alpha = try invocation.double("alpha", default: 0.35)
        guard (0...1).contains(alpha) else {
            throw invocation.argumentError("alpha", "alpha \(alpha) is outside 0 to 1", hint: "0 is invisible, 1 is opaque; 0.35 is the default")
        }
        if invocation.has("segments") {
            segments = Set(try IDArguments.ids(invocation, "segments") ?? [])
            if !invocation.has("overlay") { overlay = true }
        }
        contrast = try invocation.string("contrast", default: "none")
        guard ["none", "auto"].contains(contrast) else {
            throw invocation.argumentError("contrast", "contrast=\"\(contrast)\" is not a contrast mode",
                                           hint: "Use contrast=\"auto\" (stretch the 0.5–99.5 percentiles) or contrast=\"none\"")
        }
        if let value = invocation.value("window") {
            guard case .vector(let parts) = value, parts.count == 2, let low = parts[0].asDouble, let high = parts[1].asDouble, low < high else {
                throw invocation.argumentError("window", "window should be (low, high) with low < high, not \(value.plainText)",
                                               hint: "For example window=(40, 220)")
            }
            window = (low, high)
        }
        invert = try invocation.bool("invert", default: false)
    }
}
