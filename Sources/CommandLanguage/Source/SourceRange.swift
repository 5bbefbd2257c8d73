/// A half-open range of Unicode code-point offsets into a cell.
///
/// Code points, not UTF-16 units or grapheme clusters, because Jupyter's `cursor_pos` counts code points:
/// completion and inspection ranges go back to the frontend unchanged.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        precondition(start <= end, "a source range must not end (\(end)) before it starts (\(start))")
        self.start = start
        self.end = end
    }

    /// An empty range at `offset`, for "expected something here" diagnostics.
    public static func at(_ offset: Int) -> SourceRange {
        SourceRange(start: offset, end: offset)
    }

    public var count: Int { end - start }
    public var isEmpty: Bool { start == end }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }

    /// Whether `offset` lies inside the range or touches its end (where a cursor after a word sits).
    public func touches(_ offset: Int) -> Bool {
        start <= offset && offset <= end
    }

    public var description: String { "\(start)..<\(end)" }
}
