/// A cell's text indexed by code point, with line lookup for diagnostics and tracebacks.
public struct SourceText: Sendable {
    public let string: String
    /// The cell as code points; every `SourceRange` indexes this array.
    public let scalars: [Unicode.Scalar]
    /// Code-point offset at which each line starts (the first is always 0).
    public let lineStarts: [Int]

    public init(_ string: String) {
        self.string = string
        let scalars = Array(string.unicodeScalars)
        self.scalars = scalars
        var starts = [0]
        // An index loop: `enumerated()` costs twenty times as much in a debug build, where a
        // megabyte-long cell should still answer at once.
        for offset in 0..<scalars.count where scalars[offset] == "\n" {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    public var count: Int { scalars.count }

    /// The text of `range`, clamped to the cell.
    public func text(in range: SourceRange) -> String {
        let lower = max(0, min(range.start, count))
        let upper = max(lower, min(range.end, count))
        return Self.string(scalars[lower..<upper])
    }

    /// The text of some code points, built from UTF-8 with an index loop: appending scalars to a
    /// string one by one costs a microsecond each in a debug build, too slow for a megabyte cell.
    static func string(_ slice: ArraySlice<Unicode.Scalar>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(slice.count)
        slice.withUnsafeBufferPointer { buffer in
            for index in 0..<buffer.count {
                let value = buffer[index].value
                if value < 0x80 {
                    utf8.append(UInt8(truncatingIfNeeded: value))
                } else {
                    utf8.append(contentsOf: String(buffer[index]).utf8)
                }
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// 1-based line and column (in code points) of `offset`.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let clamped = max(0, min(offset, count))
        let line = lineIndex(containing: clamped)
        return (line + 1, clamped - lineStarts[line] + 1)
    }

    /// The text of 1-based `line`, without its newline.
    public func lineText(_ line: Int) -> String {
        let index = line - 1
        guard lineStarts.indices.contains(index) else { return "" }
        let start = lineStarts[index]
        let end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : count
        return text(in: SourceRange(start: start, end: end))
    }

    public var lineCount: Int { lineStarts.count }

    private func lineIndex(containing offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
