/// MurmurHash3, x86 128-bit variant (Austin Appleby's public-domain reference), as the sharded format uses it.
public enum MurmurHash3 {
    /// The 128-bit hash of `bytes` as four 32-bit words `h1…h4` (the reference's output order).
    public static func x86_128(_ bytes: [UInt8], seed: UInt32 = 0) -> (UInt32, UInt32, UInt32, UInt32) {
        let c1: UInt32 = 0x239b_961b, c2: UInt32 = 0xab0e_9789, c3: UInt32 = 0x38b3_4ae5, c4: UInt32 = 0xa1e3_8b93
        var h1 = seed, h2 = seed, h3 = seed, h4 = seed
        let length = bytes.count
        let blocks = length / 16

        func word(_ offset: Int) -> UInt32 {
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
        }
        for block in 0..<blocks {
            var k1 = word(block * 16), k2 = word(block * 16 + 4), k3 = word(block * 16 + 8), k4 = word(block * 16 + 12)
            k1 = k1 &* c1; k1 = rotl(k1, 15); k1 = k1 &* c2; h1 ^= k1
            h1 = rotl(h1, 19); h1 = h1 &+ h2; h1 = h1 &* 5 &+ 0x561c_cd1b
            k2 = k2 &* c2; k2 = rotl(k2, 16); k2 = k2 &* c3; h2 ^= k2
            h2 = rotl(h2, 17); h2 = h2 &+ h3; h2 = h2 &* 5 &+ 0x0bca_a747
            k3 = k3 &* c3; k3 = rotl(k3, 17); k3 = k3 &* c4; h3 ^= k3
            h3 = rotl(h3, 15); h3 = h3 &+ h4; h3 = h3 &* 5 &+ 0x96cd_1c35
            k4 = k4 &* c4; k4 = rotl(k4, 18); k4 = k4 &* c1; h4 ^= k4
            h4 = rotl(h4, 13); h4 = h4 &+ h1; h4 = h4 &* 5 &+ 0x32ac_3b17
        }

        let tail = blocks * 16
        var k1: UInt32 = 0, k2: UInt32 = 0, k3: UInt32 = 0, k4: UInt32 = 0
        let rest = length & 15
        func byte(_ i: Int) -> UInt32 { UInt32(bytes[tail + i]) }
        if rest > 12 {
            for i in stride(from: rest - 1, through: 12, by: -1) { k4 ^= byte(i) << UInt32((i - 12) * 8) }
            k4 = k4 &* c4; k4 = rotl(k4, 18); k4 = k4 &* c1; h4 ^= k4
        }
        if rest > 8 {
            for i in stride(from: min(rest, 12) - 1, through: 8, by: -1) { k3 ^= byte(i) << UInt32((i - 8) * 8) }
            k3 = k3 &* c3; k3 = rotl(k3, 17); k3 = k3 &* c4; h3 ^= k3
        }
        if rest > 4 {
            for i in stride(from: min(rest, 8) - 1, through: 4, by: -1) { k2 ^= byte(i) << UInt32((i - 4) * 8) }
            k2 = k2 &* c2; k2 = rotl(k2, 16); k2 = k2 &* c3; h2 ^= k2
        }
        if rest > 0 {
            for i in stride(from: min(rest, 4) - 1, through: 0, by: -1) { k1 ^= byte(i) << UInt32(i * 8) }
            k1 = k1 &* c1; k1 = rotl(k1, 15); k1 = k1 &* c2; h1 ^= k1
        }

        let len = UInt32(truncatingIfNeeded: length)
        h1 ^= len; h2 ^= len; h3 ^= len; h4 ^= len
        h1 = h1 &+ h2; h1 = h1 &+ h3; h1 = h1 &+ h4
        h2 = h2 &+ h1; h3 = h3 &+ h1; h4 = h4 &+ h1
        h1 = fmix(h1); h2 = fmix(h2); h3 = fmix(h3); h4 = fmix(h4)
        h1 = h1 &+ h2; h1 = h1 &+ h3; h1 = h1 &+ h4
        h2 = h2 &+ h1; h3 = h3 &+ h1; h4 = h4 &+ h1
        return (h1, h2, h3, h4)
    }

    /// The sharded format's hash of a (preshifted) chunk ID: the low 8 bytes, read little-endian,
    /// of the 128-bit hash of the ID's 8 little-endian bytes with seed 0.
    public static func x86_128Low64(_ value: UInt64) -> UInt64 {
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) }
        let (h1, h2, _, _) = x86_128(bytes)
        return UInt64(h1) | UInt64(h2) << 32
    }

    @inline(__always) private static func rotl(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }

    @inline(__always) private static func fmix(_ value: UInt32) -> UInt32 {
        var h = value
        h ^= h >> 16; h = h &* 0x85eb_ca6b
        h ^= h >> 13; h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return h
    }
}
