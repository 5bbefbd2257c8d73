/// The largest numbers the kernel accepts from a file or a server, in one place.
///
/// Every integer read from a precomputed `info`, a CATMAID stack info, an N5 `attributes.json`, a
/// shard index or a block header is checked against one of these before it becomes a size, an
/// offset or an allocation, and every quantity derived from them is computed with `Checked`. The
/// limits sit far beyond what real datasets use (the largest published EM volumes, H01 and
/// MICrONS, are about 2^18 voxels on a side and 2^50 in all; chunks are 64³ to 1024² × 1) and low
/// enough that no corrupt or hostile file can make the kernel allocate more than a few GiB or
/// overflow an `Int`.
public enum DataLimits {
    /// Voxels along one axis of a volume, stack or N5 dataset, and the largest |voxel offset|: 2^40.
    /// Real volumes are at most ~2^18 voxels on a side; 2^40 keeps offset + size (< 2^41) and
    /// offset + size × 2 far from overflow.
    public static let maxAxisVoxels = 1 << 40

    /// Voxels in one scale or dataset: 2^60. The largest volumes hold ~2^50; the product of three
    /// 2^40 axes would overflow an `Int`, so it is checked and bounded. A chunk grid has at most
    /// as many chunks as its scale has voxels, so it is bounded too.
    public static let maxVolumeVoxels = 1 << 60

    /// Voxels along one axis of a chunk, N5 block or compressed_segmentation block: 16384.
    /// Chunks are 64 to 1024 voxels on a side, 2-D pyramids up to 4096 × 4096 × 1; 16384 leaves
    /// room while keeping per-axis arithmetic small.
    public static let maxChunkAxisVoxels = 1 << 14

    /// Voxels in one chunk or block: 2^30 (a 1024³ chunk). Typical chunks hold 2^18 to 2^21.
    public static let maxChunkVoxels = 1 << 30

    /// Decoded bytes of one chunk or block, all channels: 1 GiB. A decode allocates at most this.
    public static let maxChunkBytes = 1 << 30

    /// Bytes of any one object (or byte range) read from a store or received in one HTTP response:
    /// 2 GiB, twice the largest chunk. An `info` is kilobytes, chunks and tiles kilobytes to a few
    /// MiB; shard files are read by ranges, never whole. Also the curl transport's
    /// `CURLOPT_MAXFILESIZE_LARGE`.
    public static let maxObjectBytes = 1 << 31

    /// Channels of a precomputed volume: 4096. Images have 1 to 4, affinity maps 3, embeddings a
    /// few dozen; 4096 × 8-byte values is 32 KiB per voxel, still a sane pixel.
    public static let maxChannels = 4096

    /// Scales (mips) of a precomputed volume: 64. A 2^40-voxel axis halves to 1 voxel in 40 steps.
    public static let maxScales = 64

    /// Zoom levels of a CATMAID stack (`num_zoom_levels`, `downsample_factors`): 48. Dimensions of at
    /// most 2^40 reach one voxel by level 40, and `1 << level` must stay a positive `Int`.
    public static let maxZoomLevels = 48

    /// Width or height of a CATMAID tile: 16384 (tiles are 256 to 1024 pixels on a side).
    public static let maxTileSide = 1 << 14

    /// Dimensions of an N5 dataset: 16 (image datasets have 2 to 5; the header stores a u16).
    public static let maxN5Dimensions = 16

    /// Bytes of one minishard index: 64 MiB. Each chunk takes 24 bytes, so this is 2.8 million
    /// chunks in one minishard; real minishards list hundreds to a few thousand.
    public static let maxMinishardIndexBytes = 1 << 26

    /// Chunks, tiles or blocks one section read may request: 2^18. A 16384² section of 256² tiles
    /// needs 4096; more means a tiny chunk or tile size in the data (or a huge region).
    public static let maxFetchesPerRead = 1 << 18

    /// The most bytes a stored (encoded) chunk may take, given what it decodes to: twice the
    /// decoded size plus 1 MiB, at most `maxObjectBytes`. jpeg, png, gzip and compressed_segmentation
    /// stay well under 2× even on noise; the MiB covers headers and tiny chunks.
    public static func maxEncodedBytes(decoded: Int) -> Int {
        guard let doubled = Checked.multiply(decoded, 2), let padded = Checked.add(doubled, 1 << 20) else {
            return maxObjectBytes
        }
        return min(padded, maxObjectBytes)
    }

    /// `bytes` as a short human size ("2 GiB", "64 MiB", "1536 bytes"), for messages.
    public static func describe(bytes: Int) -> String {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes >= 1 << shift {
            if bytes % (1 << shift) == 0 { return "\(bytes >> shift) \(unit)" }
        }
        return "\(bytes) bytes"
    }
}

/// Integer arithmetic on numbers from outside, returning nil where the result does not fit an `Int`.
///
/// The one home for overflow checks of data-derived quantities (chunk grids, voxel counts, byte
/// ranges, offsets): callers turn nil into a `ConnectomeError` that names the field and the values.
public enum Checked {
    /// `a × b × …`, or nil on overflow.
    public static func multiply(_ values: Int...) -> Int? { product(values) }

    /// The product of `values` (1 for none), or nil on overflow.
    public static func product(_ values: some Sequence<Int>) -> Int? {
        var result = 1
        for value in values {
            let (next, overflow) = result.multipliedReportingOverflow(by: value)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// `a + b + …`, or nil on overflow.
    public static func add(_ values: Int...) -> Int? {
        var result = 0
        for value in values {
            let (next, overflow) = result.addingReportingOverflow(value)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// `a - b`, or nil on overflow.
    public static func subtract(_ a: Int, _ b: Int) -> Int? {
        let (result, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? nil : result
    }

    /// `value` rounded by `rule` as an `Int`, or nil when it is NaN, infinite or out of `Int`'s range
    /// (where `Int(_:)` would trap).
    public static func int(_ value: Double, rounding rule: FloatingPointRoundingRule = .towardZero) -> Int? {
        let rounded = value.rounded(rule)
        // 2^63 is exactly representable; every double below it (and ≥ -2^63) converts.
        guard rounded.isFinite, rounded >= -0x1p63, rounded < 0x1p63 else { return nil }
        return Int(rounded)
    }
}
