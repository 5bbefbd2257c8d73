/// Deterministic integer hashing for the sample generator: same inputs, same bytes, every run.
enum SampleHash {
    @inline(__always) static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always) static func hash(_ a: Int, _ b: Int, _ c: Int = 0, _ d: Int = 0) -> UInt64 {
        mix(UInt64(bitPattern: Int64(a)) &* 0x1_0000_01B3 ^ mix(UInt64(bitPattern: Int64(b)) ^ mix(UInt64(bitPattern: Int64(c))
            &+ UInt64(bitPattern: Int64(d)) &* 0x5851_F42D_4C95_7F2D)))
    }

    /// A float in [0, 1) from 24 bits of a hash.
    @inline(__always) static func unit(_ h: UInt64) -> Float { Float(h >> 40) * (1.0 / 16_777_216.0) }

    @inline(__always) static func unit(_ a: Int, _ b: Int, _ c: Int = 0, _ d: Int = 0) -> Float { unit(hash(a, b, c, d)) }
}
