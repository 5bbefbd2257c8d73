/// The colour a segment is drawn in when nobody chose one.
extension SegmentID {
    /// A saturated, bright colour derived from a 64-bit hash of the ID: the same on every call and
    /// every machine, and unrelated for neighbouring IDs (consecutive IDs touch in supervoxel data).
    ///
    /// The hash is splitmix64's finalizer; its bits pick hue (16 bits), saturation 0.55…1 and value
    /// 0.7…1 (8 bits each). `bench/slice/run.py` reproduces it in numpy bit for bit.
    public var displayColor: RGBColor {
        let packed = SegmentPalette.packedColor(rawValue)
        return RGBColor(red: UInt8(truncatingIfNeeded: packed >> 16), green: UInt8(truncatingIfNeeded: packed >> 8),
                        blue: UInt8(truncatingIfNeeded: packed))
    }
}

/// The hash-to-colour function behind `SegmentID.displayColor`, on raw IDs and packed 0xRRGGBB.
enum SegmentPalette {
    static func mix(_ id: UInt64) -> UInt64 {
        var h = id
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    /// 0xRRGGBB for `id`.
    static func packedColor(_ id: UInt64) -> UInt32 {
        let h = mix(id)
        let hue = Double(h & 0xFFFF) / 65536
        let saturation = 0.55 + 0.45 * Double((h >> 16) & 0xFF) / 255
        let value = 0.7 + 0.3 * Double((h >> 24) & 0xFF) / 255
        let (r, g, b) = hsvToRGB(hue, saturation, value)
        return UInt32(byte(r)) << 16 | UInt32(byte(g)) << 8 | UInt32(byte(b))
    }

    private static func byte(_ x: Double) -> UInt8 {
        UInt8((x * 255 + 0.5).rounded(.down))
    }

    /// HSV (each 0…1, hue < 1) to RGB 0…1, the textbook sector formula.
    static func hsvToRGB(_ h: Double, _ s: Double, _ v: Double) -> (Double, Double, Double) {
        let scaled = h * 6
        let sector = scaled.rounded(.down)
        let f = scaled - sector
        let p = v * (1 - s)
        let q = v * (1 - s * f)
        let t = v * (1 - s * (1 - f))
        switch Int(sector) {
        case 0: return (v, t, p)
        case 1: return (q, v, p)
        case 2: return (p, v, t)
        case 3: return (p, q, v)
        case 4: return (t, p, v)
        default: return (v, p, q)
        }
    }
}
