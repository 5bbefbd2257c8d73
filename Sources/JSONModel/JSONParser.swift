/// Reads JSON text straight into a `JSONValue`, in one pass over the bytes.
///
/// Why not only `JSONDecoder`: an open-shaped value can only be decoded through it by trying each
/// type in turn, and every miss throws and builds a `DecodingError`; an object took six misses
/// before it was recognised. A 12,000-row Seatable answer spent most of its two seconds there,
/// and every Jupyter message pays the same toll. This reader decides a value's kind from its first
/// byte. It accepts exactly RFC 8259 JSON (top-level scalars included, as `JSONDecoder` does) and
/// returns nil for anything else, so that `JSONValue.parse` can let `JSONDecoder` word the error:
/// the messages users see stay the same, and nothing that was refused before is accepted now.
///
/// It is stricter than `JSONDecoder` in one way: a trailing comma (`[1,]`), which the decoder lets
/// through, is refused here and so read by the decoder, as before.
///
/// Numbers keep `JSONDecoder`'s mapping: integer text is `Int64`, else `UInt64`, else `Double`;
/// text with a fraction or exponent whose value is a whole number that fits is an integer too.
/// Nesting is followed on an explicit stack (no recursion, so no stack overflow on a pool thread),
/// at most `maxDepth` deep, `JSONDecoder`'s limit.
struct JSONParser {
    static let maxDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    /// Containers around the value being read that another reader has opened (`value(in:at:depth:)`).
    private var outerDepth = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The value that starts at `position` (after whitespace) and where it ends; nil when none
    /// starts there. `depth` containers are open around it, for the nesting limit of the whole text.
    static func value(in bytes: UnsafeRawBufferPointer, at position: Int, depth: Int) -> (value: JSONValue, end: Int)? {
        var parser = JSONParser(bytes)
        parser.position = position
        parser.outerDepth = depth
        guard position <= bytes.count, let value = parser.document() else { return nil }
        return (value, parser.position)
    }

    /// The value of `bytes`, or nil when they are not one JSON value (with only whitespace around it).
    static func parse(_ bytes: UnsafeRawBufferPointer) -> JSONValue? {
        var parser = JSONParser(bytes)
        guard let value = parser.document() else { return nil }
        parser.skipSpace()
        return parser.position == bytes.count ? Optional(value) : Optional.none
    }

    /// A container being filled, changed in place on the stack (so no element array is ever copied).
    private struct Open {
        var isObject: Bool
        var elements: [JSONValue] = []
        /// An object's members in order, made a dictionary when it closes: one hash per key and
        /// no rehashing as it grows (a Seatable row has 30 members).
        var members: [(String, JSONValue)] = []
        /// For an object: the key of the value being read.
        var key = ""
    }

    private mutating func document() -> JSONValue? {
        var stack: [Open] = []
        while true {
            skipSpace()
            guard position < bytes.count else { return nil }
            var value: JSONValue
            switch bytes[position] {
            case UInt8(ascii: "["):
                guard stack.count + outerDepth < Self.maxDepth else { return nil }
                position += 1
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    value = .array([])
                } else {
                    stack.append(Open(isObject: false))
                    continue
                }
            case UInt8(ascii: "{"):
                guard stack.count + outerDepth < Self.maxDepth else { return nil }
                position += 1
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    value = .object([:])
                } else {
                    guard let key = objectKey() else { return nil }
                    stack.append(Open(isObject: true, key: key))
                    continue
                }
            default:
                guard let scalar = scalar() else { return nil }
                value = scalar
            }
            // Hand the finished value to its container; close every container that ends here.
            closing: while true {
                guard !stack.isEmpty else { return value }
                let top = stack.count - 1
                skipSpace()
                guard position < bytes.count else { return nil }
                let next = bytes[position]
                position += 1
                if stack[top].isObject {
                    stack[top].members.append((stack[top].key, value))
                    if next == UInt8(ascii: ",") {
                        skipSpace()
                        guard let key = objectKey() else { return nil }
                        stack[top].key = key
                        break closing
                    }
                    guard next == UInt8(ascii: "}") else { return nil }
                    // A repeated key keeps its first value, as JSONDecoder does.
                    value = .object(Dictionary(stack.removeLast().members, uniquingKeysWith: { first, _ in first }))
                } else {
                    stack[top].elements.append(value)
                    if next == UInt8(ascii: ",") { break closing }
                    guard next == UInt8(ascii: "]") else { return nil }
                    value = .array(stack.removeLast().elements)
                }
            }
        }
    }

    /// `"key"` then `:`, positioned at the key's opening quote.
    private mutating func objectKey() -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = string() else { return nil }
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
        position += 1
        return key
    }

    private mutating func scalar() -> JSONValue? {
        switch bytes[position] {
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return word("null") ? .null : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return nil
        }
    }

    private mutating func word(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        for offset in 0..<count where bytes[position + offset] != text.utf8Start[offset] { return false }
        position += count
        return true
    }

    private mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, mapped as `JSONDecoder` maps it.
    private mutating func number() -> JSONValue? {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, Self.isDigit(bytes[position]) else { return nil }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, Self.isDigit(bytes[position]) { return nil }  // no leading zeros
        } else {
            while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        }
        var integral = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard position < bytes.count, Self.isDigit(bytes[position]) else { return nil }
            while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            integral = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, Self.isDigit(bytes[position]) else { return nil }
            while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if integral {
            if let value = Int64(text) { return .int(value) }
            if let value = UInt64(text) { return .uint(value) }
        }
        guard let value = Double(text), value.isFinite else { return nil }
        if let whole = Int64(exactly: value) { return .int(whole) }
        if let whole = UInt64(exactly: value) { return .uint(whole) }
        return .double(value)
    }

    /// A string at its opening quote: escapes decoded, UTF-8 validated, control characters refused.
    private mutating func string() -> String? {
        position += 1
        let start = position
        // The common case: no escapes, so the text is the bytes themselves; ASCII needs no
        // validation (the generic validating initializer was a third of parsing a Seatable page).
        var ascii = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let span = UnsafeBufferPointer(start: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + start, count: position - start)
                let text = ascii ? String(decoding: span, as: UTF8.self) : String(validating: span, as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            position += 1
        }
        guard position < bytes.count else { return nil }
        var decoded = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    decoded.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            default:
                if byte < 0x20 { return nil }
                decoded.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (just after the `u`), joining a surrogate pair; nil for a lone surrogate.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let first = hex4() else { return nil }
        if (0xD800...0xDBFF).contains(first) {
            guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else { return nil }
            position += 2
            guard let second = hex4(), (0xDC00...0xDFFF).contains(second) else { return nil }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        }
        return Unicode.Scalar(first)  // nil for a lone low surrogate
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - position >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
