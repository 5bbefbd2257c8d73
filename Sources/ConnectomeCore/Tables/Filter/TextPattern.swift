import Foundation

/// A `re.search` over cell text: a compiled regular expression, or a plain substring search when
/// the pattern has no special characters (most `exact=false` filters are plain words, and a byte
/// search is a hundred times faster than a regex engine).
struct TextPattern {
    private enum Engine {
        /// Bytes to find; lower-cased when `ignoresCase`.
        case literal([UInt8])
        case regex(Regex<AnyRegexOutput>)
    }

    private let engine: Engine
    private let ignoresCase: Bool
    /// The compiled regex, for a case-insensitive literal meeting non-ASCII text (Unicode case folding).
    private let fallback: Regex<AnyRegexOutput>?

    /// Compiles `pattern` (Python `re` syntax, which Swift's regex syntax covers for the usual
    /// patterns); a pattern that does not compile is `FilterError.invalidRegex` with the position of the fault.
    init(_ pattern: String, ignoresCase: Bool, field: String) throws(FilterError) {
        self.ignoresCase = ignoresCase
        let compiled: Regex<AnyRegexOutput>
        do {
            compiled = try Regex(pattern).matchingSemantics(.unicodeScalar).ignoresCase(ignoresCase)
        } catch {
            throw FilterError.invalidRegex(field: field, pattern: pattern, position: Self.faultPosition(error, in: pattern),
                                           reason: String(describing: error))
        }
        if Self.isLiteral(pattern) {
            engine = .literal(Array((ignoresCase ? Self.asciiLowered(pattern) : pattern).utf8))
            fallback = compiled
        } else {
            engine = .regex(compiled)
            fallback = nil
        }
    }

    /// True when the pattern occurs in `text`, or with `lowering` in `text.lower()` (pandas'
    /// `str.lower().str.contains(pattern)`).
    func matches(_ text: UnsafeBufferPointer<UInt8>, lowering: Bool = false) -> Bool {
        let ascii = !text.contains(where: { $0 >= 0x80 })
        switch engine {
        case .literal(let needle):
            if ascii { return ByteSearch.contains(text, needle, foldingASCIICase: ignoresCase || lowering) }
            if lowering {
                return ByteSearch.unicodeLowered(text).withUnsafeBufferPointer {
                    ByteSearch.contains($0, needle, foldingASCIICase: ignoresCase)
                }
            }
            if ignoresCase, let fallback { return String(decoding: text, as: UTF8.self).contains(fallback) }
            return ByteSearch.contains(text, needle, foldingASCIICase: false)
        case .regex(let regex):
            let string = String(decoding: text, as: UTF8.self)
            return (lowering ? string.lowercased() : string).contains(regex)
        }
    }

    /// Only regex engines are slow enough to be worth caching results per distinct cell value.
    var benefitsFromCache: Bool {
        if case .regex = engine { return true }
        return false
    }

    /// No character that means something in a regex, and ASCII only (so ASCII case folding is exact).
    private static func isLiteral(_ pattern: String) -> Bool {
        pattern.utf8.allSatisfy { byte in byte >= 0x20 && byte < 0x80 && !"\\^$.|?*+()[]{}".utf8.contains(byte) }
    }

    private static func asciiLowered(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// The parser's error carries its location as a range of the pattern; it is not public API, so
    /// it is read by reflection and the position is left out when the shape ever changes.
    private static func faultPosition(_ error: any Error, in pattern: String) -> Int? {
        for child in Mirror(reflecting: error).children where child.label == "location" {
            for field in Mirror(reflecting: child.value).children where field.label == "range" {
                guard let range = field.value as? Range<String.Index> else { continue }
                // The index is into the pattern's UTF-8; Python counts code points.
                let offset = range.lowerBound.utf16Offset(in: pattern)
                guard offset >= 0, offset <= pattern.utf16.count else { return nil }
                let prefix = pattern.utf16.prefix(offset)
                return String(decoding: prefix, as: UTF16.self).unicodeScalars.count
            }
        }
        return nil
    }
}

/// Substring search and ASCII case folding on UTF-8 bytes.
enum ByteSearch {
    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    /// True when `needle` occurs in `haystack`; with `foldingASCIICase`, `needle` must be lower-case.
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], foldingASCIICase: Bool) -> Bool {
        let n = needle.count
        if n == 0 { return true }
        guard haystack.count >= n else { return false }
        let first = needle[0]
        var start = 0
        while start + n <= haystack.count {
            let byte = foldingASCIICase ? lower(haystack[start]) : haystack[start]
            if byte == first {
                var offset = 1
                while offset < n {
                    let other = foldingASCIICase ? lower(haystack[start + offset]) : haystack[start + offset]
                    if other != needle[offset] { break }
                    offset += 1
                }
                if offset == n { return true }
            }
            start += 1
        }
        return false
    }

    /// Python's `cell.lower() == target` where `target` is already `lower()`ed: bytes when the
    /// cell is ASCII, Unicode lower-casing otherwise.
    static func lowerEquals(_ cell: UnsafeBufferPointer<UInt8>, _ target: [UInt8]) -> Bool {
        if cell.count == target.count {
            var index = 0
            while index < cell.count {
                let byte = cell[index]
                if byte >= 0x80 { return unicodeLowered(cell).elementsEqual(target) }
                if lower(byte) != target[index] { return false }
                index += 1
            }
            return true
        }
        guard cell.contains(where: { $0 >= 0x80 }) else { return false }
        return unicodeLowered(cell).elementsEqual(target)
    }

    /// `str.lower()` as bytes.
    static func unicodeLowered(_ cell: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if !cell.contains(where: { $0 >= 0x80 }) { return cell.map(lower) }
        return Array(String(decoding: cell, as: UTF8.self).lowercased().utf8)
    }
}
