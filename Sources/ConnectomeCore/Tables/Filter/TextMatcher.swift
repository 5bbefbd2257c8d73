/// Rule 5 of the reference for text columns: which comparison a criterion and its options choose.
///
/// First matching rule wins, for a list value and a single value separately; `case=false`
/// (crantpy's default) lower-cases both sides, so it takes precedence over `exact=false` for lists.
final class TextMatcher {
    private enum Rule {
        /// `re.search(pattern, cell)`; with `lowering`, on `cell.lower()`.
        case search(TextPattern, lowering: Bool)
        /// `cell.lower()` is one of these (already lower-cased).
        case lowerEquals([[UInt8]])
        /// One of these (lower-cased) is a plain substring of `cell.lower()`.
        case lowerContains([[UInt8]])
        /// `cell` is one of these.
        case equals([[UInt8]])
    }

    private let rule: Rule
    /// For ID columns under an equality rule: the canonical decimal targets as numbers.
    let exactIDs: Set<UInt64>?
    /// Regex results per distinct cell text (annotation columns repeat a few values many times).
    private var cache: [String: Bool] = [:]
    private let caches: Bool

    init(_ criterion: FilterCriterion, _ options: FilterOptions, field: String, ids: Bool) throws(FilterError) {
        let texts = criterion.values.map(PythonCoercion.text)
        let ignoresCase = !options.caseSensitive
        if criterion.isList {
            if options.regex {
                rule = .search(try TextPattern(texts.joined(separator: "|"), ignoresCase: ignoresCase, field: field), lowering: false)
            } else if ignoresCase {
                rule = .lowerEquals(texts.map { Array($0.lowercased().utf8) })
            } else if !options.exact {
                rule = .lowerContains(texts.map { Array($0.lowercased().utf8) })
            } else {
                rule = .equals(texts.map { Array($0.utf8) })
            }
        } else {
            let text = texts.first ?? ""
            if options.regex {
                rule = .search(try TextPattern(text, ignoresCase: ignoresCase, field: field), lowering: false)
            } else if ignoresCase {
                rule = options.exact
                    ? .lowerEquals([Array(text.lowercased().utf8)])
                    : .search(try TextPattern(text.lowercased(), ignoresCase: false, field: field), lowering: true)
            } else if !options.exact {
                rule = .search(try TextPattern(text, ignoresCase: false, field: field), lowering: false)
            } else {
                rule = .equals([Array(text.utf8)])
            }
        }
        switch rule {
        case .lowerEquals(let targets) where ids, .equals(let targets) where ids:
            exactIDs = Set(targets.compactMap(Self.canonicalID))
        default:
            exactIDs = nil
        }
        if case .search(let pattern, _) = rule { caches = pattern.benefitsFromCache } else { caches = false }
    }

    func matches(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        switch rule {
        case .search(let pattern, let lowering):
            guard caches else { return pattern.matches(cell, lowering: lowering) }
            let key = String(decoding: cell, as: UTF8.self)
            if let known = cache[key] { return known }
            let result = pattern.matches(cell, lowering: lowering)
            cache[key] = result
            return result
        case .lowerEquals(let targets):
            return targets.contains { ByteSearch.lowerEquals(cell, $0) }
        case .lowerContains(let needles):
            let lowered = ByteSearch.unicodeLowered(cell)
            return lowered.withUnsafeBufferPointer { text in
                needles.contains { ByteSearch.contains(text, $0, foldingASCIICase: false) }
            }
        case .equals(let targets):
            return targets.contains { $0.elementsEqual(cell) }
        }
    }

    /// The ID a text equals as a decimal string: digits only, no leading zero (so that numeric
    /// equality is text equality, as crantpy compares its ID strings).
    private static func canonicalID(_ text: [UInt8]) -> UInt64? {
        guard let first = text.first, text.count <= 20, text.allSatisfy({ $0 &- 48 < 10 }),
              first != UInt8(ascii: "0") || text.count == 1 else { return nil }
        return UInt64(String(decoding: text, as: UTF8.self))
    }
}
