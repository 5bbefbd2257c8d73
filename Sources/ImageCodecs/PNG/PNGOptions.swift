/// How hard the PNG encoder works: the trade between encode time and size.
///
/// EM texture barely compresses with LZ77 matches, so `.fast` (one SUB filter, Huffman-only
/// deflate) reaches the size of zlib level 6 in a fifth of the time (8.8 ms against 43 ms for a
/// 1024² section, codecs.md). Flat segmentation overlays are the opposite case: use `.compact`.
public struct PNGOptions: Sendable, Equatable {
    /// zlib strategies (`Z_DEFAULT_STRATEGY` …) by name.
    public enum Strategy: Int32, Sendable {
        case `default` = 0, filtered = 1, huffmanOnly = 2, rle = 3
    }

    /// Per-row filters the encoder may choose from (libspng's `SPNG_FILTER_CHOICE_*` bits).
    public struct Filters: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let none = Filters(rawValue: 8)
        public static let sub = Filters(rawValue: 16)
        public static let up = Filters(rawValue: 32)
        public static let average = Filters(rawValue: 64)
        public static let paeth = Filters(rawValue: 128)
        public static let all: Filters = [.none, .sub, .up, .average, .paeth]
    }

    /// zlib level 0 (stored) … 9.
    public var compressionLevel: Int
    public var strategy: Strategy
    public var filters: Filters

    public init(compressionLevel: Int, strategy: Strategy, filters: Filters) {
        self.compressionLevel = compressionLevel
        self.strategy = strategy
        self.filters = filters
    }

    /// For EM sections: level 1, SUB filter, Huffman-only coding.
    public static let fast = PNGOptions(compressionLevel: 1, strategy: .huffmanOnly, filters: .sub)
    /// For flat colour regions under grey (segmentation overlays): level 6, all filters, default strategy.
    public static let compact = PNGOptions(compressionLevel: 6, strategy: .default, filters: .all)
    /// For a segmentation alone (flat colours, ~1000 regions in a 1024² section): level 1, UP filter,
    /// default strategy. LZ77 at level 1 still finds the runs; no per-row filter search. About a third
    /// of `.compact`'s time for 1.5× its size (bench/slice/FINDINGS.md).
    public static let flat = PNGOptions(compressionLevel: 1, strategy: .default, filters: .up)
}
