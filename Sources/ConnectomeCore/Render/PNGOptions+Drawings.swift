import ImageCodecs

extension PNGOptions {
    /// For the kernel's drawings (an adjacency heatmap, a skeleton's projection): flat colours and
    /// thin antialiased lines on white. Level-1 deflate with no filter: the runs of white are found
    /// by LZ77 anyway, and per-row filters only spread a line's few pixels over the bytes after it.
    /// Measured on a 500 × 500 heatmap and a 512 × 390 skeleton: smaller than `.compact` (41 against
    /// 69 KB, 103 against 166 KB) in a fifth of its time.
    public static let drawing = PNGOptions(compressionLevel: 1, strategy: .default, filters: .none)
}
