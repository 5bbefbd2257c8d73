/// A cell holding a list: JSON (`["a", "b"]`, `[1, 2, 3]`) or Python's repr as pandas' `to_csv`
/// writes lists (`['a', 'b']`, `[1.5, 2.0, 3.0]`).
enum ListCell {
    enum Shape: Equatable {
        case empty
        case strings
        /// Numbers, with whether all are integers.
        case numbers(count: Int, integers: Bool)
    }

    /// What the cell holds, or nil when it is not a list of strings (and nulls) or of numbers.
    /// `string` receives each string element (nil for null), `number` each numeric one (its text).
    static func parse(_ text: UnsafeBufferPointer<UInt8>,
                      string: (UnsafeBufferPointer<UInt8>?) -> Void = { _ in },
                      number: (UnsafeBufferPointer<UInt8>) -> Void = { _ in }) -> Shape? {
        let count = text.count
        guard count >= 2, text[0] == UInt8(ascii: "["), text[count - 1] == UInt8(ascii: "]") else { return nil }
        var index = 1
        let end = count - 1
        var strings = 0, numbers = 0
        var integers = true
        var scratch: [UInt8] = []
        func skipSpace() { while index < end, text[index] == 0x20 || text[index] == 0x09 || text[index] == 0x0A || text[index] == 0x0D { index += 1 } }
        skipSpace()
        if index == end { return .empty }
        while true {
            skipSpace()
            guard index < end else { return nil }
            let byte = text[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if let plain = plainQuoted(text, &index, end: end, quote: byte) {
                    string(plain)  // no escapes: the element's bytes as they stand in the cell
                } else {
                    guard readQuoted(text, &index, end: end, quote: byte, into: &scratch) else { return nil }
                    scratch.withUnsafeBufferPointer { string($0) }
                }
                strings += 1
            } else {
                let start = index
                while index < end, text[index] != UInt8(ascii: ","), text[index] != 0x20 { index += 1 }
                let word = UnsafeBufferPointer(rebasing: text[start..<index])
                if spells(word, "null") || spells(word, "None") {
                    strings += 1
                    string(nil)
                } else if CellText.integer(word) != nil || CellText.double(word) != nil || spells(word, "nan") || spells(word, "NaN") {
                    numbers += 1
                    if CellText.integer(word).flatMap({ CellText.int64(negative: $0.negative, magnitude: $0.magnitude) }) == nil {
                        integers = false
                    }
                    number(word)
                } else {
                    return nil
                }
            }
            skipSpace()
            if index == end { break }
            guard text[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
        if numbers > 0 { return strings == 0 ? .numbers(count: numbers, integers: integers) : nil }
        return .strings
    }

    /// A quoted element without a backslash, as a view of the cell (`index` moved past its closing
    /// quote); nil, with `index` unmoved, when it has escapes (or no closing quote) for `readQuoted`.
    @inline(__always) private static func plainQuoted(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int, end: Int,
                                                      quote: UInt8) -> UnsafeBufferPointer<UInt8>? {
        var position = index + 1
        while position < end {
            let byte = text[position]
            if byte == quote {
                let element = UnsafeBufferPointer(rebasing: text[(index + 1)..<position])
                index = position + 1
                return element
            }
            if byte == UInt8(ascii: "\\") { return nil }
            position += 1
        }
        return nil
    }

    @inline(__always) private static func spells(_ word: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        word.count == literal.utf8CodeUnitCount
            && word.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A quoted element with JSON and Python escapes (`\"`, `\'`, `\\`, `\n`, `\t`, `\r`, `\b`,
    /// `\f`, `\/`, `\xNN`, `\uNNNN` with surrogate pairs, `\UNNNNNNNN`).
    private static func readQuoted(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int, end: Int, quote: UInt8,
                                   into output: inout [UInt8]) -> Bool {
        output.removeAll(keepingCapacity: true)
        index += 1
        while index < end {
            let byte = text[index]
            if byte == quote {
                index += 1
                return true
            }
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < end else { return false }
            let escape = text[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let width = escape == UInt8(ascii: "x") ? 2 : escape == UInt8(ascii: "u") ? 4 : 8
                guard var scalar = hex(text, &index, width: width, end: end) else { return false }
                // A JSON surrogate pair: \uD83D\uDE00.
                if escape == UInt8(ascii: "u"), (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < end, text[index] == UInt8(ascii: "\\"), text[index + 1] == UInt8(ascii: "u") else { return false }
                    index += 2
                    guard let low = hex(text, &index, width: 4, end: end), (0xDC00..<0xE000).contains(low) else { return false }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { return false }
                output.append(contentsOf: String(Character(unicode)).utf8)
            default:
                output.append(escape)  // \" \' \\ \/ and anything else stand for themselves
            }
        }
        return false
    }

    private static func hex(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int, width: Int, end: Int) -> UInt32? {
        guard index + width <= end else { return nil }
        var value: UInt32 = 0
        for _ in 0..<width {
            let byte = text[index] | 0x20
            let digit: UInt8
            if byte &- 48 < 10 { digit = byte - 48 } else if byte >= 0x61, byte <= 0x66 { digit = byte - 0x61 + 10 } else { return nil }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
