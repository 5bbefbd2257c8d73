/// Colours for labelled segments, as crantpy picks them (matplotlib's tab10 / tab20, then HLS hues).
enum Palette {
    static let tab10: [UInt32] = [
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    ]
    static let tab20: [UInt32] = [
        0x1f77b4, 0xaec7e8, 0xff7f0e, 0xffbb78, 0x2ca02c, 0x98df8a, 0xd62728, 0xff9896, 0x9467bd, 0xc5b0d5,
        0x8c564b, 0xc49c94, 0xe377c2, 0xf7b6d2, 0x7f7f7f, 0xc7c7c7, 0xbcbd22, 0xdbdb8d, 0x17becf, 0x9edae5,
    ]

    /// Distinct labels sorted (as `np.unique`), each mapped to a palette entry. Beyond 20 labels,
    /// seaborn's `hls_palette` hues (l = 0.6, s = 0.65) in order — crantpy shuffles those with a
    /// seeded NumPy generator, which we do not reproduce.
    static func colors(forLabels labels: [String]) -> [String: RGBColor] {
        let distinct = Array(Set(labels)).sorted()
        let colors: [RGBColor]
        if distinct.count <= 10 {
            colors = tab10.prefix(distinct.count).map(rgb)
        } else if distinct.count <= 20 {
            colors = tab20.prefix(distinct.count).map(rgb)
        } else {
            colors = hls(count: distinct.count)
        }
        return Dictionary(uniqueKeysWithValues: zip(distinct, colors))
    }

    static func rgb(_ value: UInt32) -> RGBColor {
        RGBColor(red: UInt8(value >> 16), green: UInt8((value >> 8) & 0xFF), blue: UInt8(value & 0xFF))
    }

    static func hls(count: Int, lightness: Double = 0.6, saturation: Double = 0.65) -> [RGBColor] {
        (0..<count).map { index in
            var hue = Double(index) / Double(count) + 0.01
            hue -= hue.rounded(.down)
            let (r, g, b) = hlsToRGB(hue, lightness, saturation)
            func byte(_ x: Double) -> UInt8 { UInt8(max(0, min(255, (x * 255).rounded()))) }
            return RGBColor(red: byte(r), green: byte(g), blue: byte(b))
        }
    }

    /// Python's `colorsys.hls_to_rgb`.
    static func hlsToRGB(_ h: Double, _ l: Double, _ s: Double) -> (Double, Double, Double) {
        if s == 0 { return (l, l, l) }
        let m2 = l <= 0.5 ? l * (1 + s) : l + s - l * s
        let m1 = 2 * l - m2
        func v(_ hue: Double) -> Double {
            var hue = hue.truncatingRemainder(dividingBy: 1)
            if hue < 0 { hue += 1 }
            if hue < 1.0 / 6 { return m1 + (m2 - m1) * hue * 6 }
            if hue < 0.5 { return m2 }
            if hue < 2.0 / 3 { return m1 + (m2 - m1) * (2.0 / 3 - hue) * 6 }
            return m1
        }
        return (v(h + 1.0 / 3), v(h), v(h - 1.0 / 3))
    }
}
