/// How much the history keeps: the file must not grow without end, and one cell that prints a
/// megabyte must not make every `history_request` carry it.
public struct HistoryLimits: Sendable, Equatable {
    /// UTF-8 bytes of `text/plain` output kept per entry; longer output is cut and marked.
    public var outputBytes: Int
    /// UTF-8 bytes of input written to the file per entry; a longer input is kept for this
    /// session only (cutting code would make it wrong when recalled).
    public var inputBytes: Int
    /// Past this size the file is compacted to its newest `compactedBytes`.
    public var compactAboveBytes: Int
    public var compactedBytes: Int

    public init(outputBytes: Int, inputBytes: Int, compactAboveBytes: Int, compactedBytes: Int) {
        self.outputBytes = max(outputBytes, 64)
        self.inputBytes = max(inputBytes, 64)
        self.compactAboveBytes = max(compactAboveBytes, 1024)
        self.compactedBytes = min(max(compactedBytes, 512), self.compactAboveBytes)
    }

    /// 4 KiB of output, 64 KiB of input, and a file of at most about 8 MiB (compacted to 4 MiB),
    /// which holds thousands of cells and is read from its end in milliseconds.
    public static let standard = HistoryLimits(
        outputBytes: 4 * 1024, inputBytes: 64 * 1024, compactAboveBytes: 8 * 1024 * 1024, compactedBytes: 4 * 1024 * 1024)

    static let truncationMark = " … (output cut to fit the history)"

    /// `output` cut at a character boundary to at most `outputBytes` UTF-8 bytes, marked when cut.
    func bounded(output: String) -> String {
        guard output.utf8.count > outputBytes else { return output }
        let budget = max(outputBytes - Self.truncationMark.utf8.count, 0)
        var kept = ""
        var used = 0
        for character in output {
            let size = character.utf8.count
            if used + size > budget { break }
            kept.append(character)
            used += size
        }
        return kept + Self.truncationMark
    }
}
