import Foundation
import JSONModel

/// Where a target's input holds JSON that the structure-aware mutator may rewrite.
enum JSONPart: Sendable {
    /// No JSON: libFuzzer's byte mutations only.
    case none
    /// The whole input (an `info` file, a stack info, a neuroglancer state).
    case whole
    /// The bytes before the first NUL (N5 attributes before the block).
    case untilNUL
    /// One of the `\n`-separated lines (the frames of a wire message).
    case oneLine
}

@_silgen_name("LLVMFuzzerMutate")
func LLVMFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// libFuzzer's mutator, with half of the mutations of JSON inputs done on the parsed document instead.
///
/// Byte mutations of a valid `info` file almost never put `9223372036854775807` into `size` or `0` into a
/// downsample factor: most of them break the JSON, and coverage does not reward a number's magnitude.
/// This replaces one number, string or value of the document with an extreme, or grows or shrinks an
/// array or object, and writes the document back, so every mutation is valid JSON of the seed's shape.
@_cdecl("LLVMFuzzerCustomMutator")
func connectomeCustomMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    var random = SplitMix(seed: UInt64(seed))
    let part = FuzzTarget.selected.json
    guard part != .none, random.next() % 2 == 0 else { return LLVMFuzzerMutate(data, size, maxSize) }
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    // The JSON span inside the input: whole, before the NUL, or one line.
    var span = 0..<bytes.count
    switch part {
    case .none, .whole:
        break
    case .untilNUL:
        span = 0..<(bytes.firstIndex(of: 0) ?? bytes.count)
    case .oneLine:
        var lines: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(start..<index)
            start = index + 1
        }
        lines.append(start..<bytes.count)
        let objects = lines.filter { bytes[$0].first == UInt8(ascii: "{") }
        guard !objects.isEmpty else { return LLVMFuzzerMutate(data, size, maxSize) }
        span = objects[Int(random.next() % UInt64(objects.count))]
    }
    guard var document = try? JSONValue.parse(Data(bytes[span])) else { return LLVMFuzzerMutate(data, size, maxSize) }
    let nodes = document.nodeCount
    document = document.mutatingNode(at: Int(random.next() % UInt64(nodes)), &random)
    let result = Array(bytes[..<span.lowerBound]) + [UInt8](document.serialized()) + Array(bytes[span.upperBound...])
    guard result.count <= maxSize else { return LLVMFuzzerMutate(data, size, maxSize) }
    result.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: result.count) }
    return result.count
}

/// A small deterministic generator (libFuzzer hands the mutator a seed so runs can be replayed).
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(next() % UInt64(choices.count))] }
}

extension JSONValue {
    /// Numbers every reader must refuse by name or handle: edges of the integer types, huge and tiny doubles.
    static let extremeNumbers: [JSONValue] = [
        .int(0), .int(-1), .int(1), .int(2), .int(255), .int(256), .int(65_536), .int(1_000_000), .int(1 << 31),
        .int(1 << 32), .int((1 << 53) + 1), .int(1 << 62), .int(.max), .int(.min), .int(.min + 1),
        .uint(.max), .uint(1 << 63), .double(0.5), .double(-0.0), .double(1e19), .double(-1e19), .double(1e308),
        .double(-1e308), .double(5e-324), .double(1e-300), .double(4294967296.5),
    ]
    static let extremeStrings: [JSONValue] = [
        .string(""), .string("../../../../etc"), .string("%SCALE_DATASET%"), .string("inf"), .string("nan"),
        .string("-1"), .string("18446744073709551616"), .string(String(repeating: "a", count: 300)),
        .string("\u{0}"), .string("javascript:alert(1)"),
    ]

    var nodeCount: Int {
        switch self {
        case .array(let items): 1 + items.reduce(0) { $0 + $1.nodeCount }
        case .object(let members): 1 + members.values.reduce(0) { $0 + $1.nodeCount }
        default: 1
        }
    }

    /// The document with its `index`-th node (pre-order) mutated.
    func mutatingNode(at index: Int, _ random: inout SplitMix) -> JSONValue {
        if index == 0 { return mutated(&random) }
        var remaining = index - 1
        switch self {
        case .array(var items):
            for position in items.indices {
                let count = items[position].nodeCount
                if remaining < count {
                    items[position] = items[position].mutatingNode(at: remaining, &random)
                    return .array(items)
                }
                remaining -= count
            }
        case .object(var members):
            for key in members.keys.sorted() {
                let count = members[key]!.nodeCount
                if remaining < count {
                    members[key] = members[key]!.mutatingNode(at: remaining, &random)
                    return .object(members)
                }
                remaining -= count
            }
        default:
            break
        }
        return self
    }

    /// One mutation of this node: an extreme of its kind, another kind, or a longer or shorter container.
    private func mutated(_ random: inout SplitMix) -> JSONValue {
        let otherKind: [JSONValue] = [.null, .bool(true), .string("1"), .array([]), .object([:]), .int(0)]
        if random.next() % 8 == 0 { return random.pick(otherKind) }
        switch self {
        case .int, .uint, .double:
            if random.next() % 4 == 0, let value = doubleValue {
                let scaled = value * Double(sign: random.next() % 2 == 0 ? .plus : .minus, exponent: Int(random.next() % 64), significand: 1)
                return scaled.isFinite ? .double(scaled) : .double(1e308)
            }
            return random.pick(Self.extremeNumbers)
        case .string:
            return random.pick(Self.extremeStrings)
        case .array(var items):
            if items.isEmpty { return .array([random.pick(Self.extremeNumbers)]) }
            switch random.next() % 3 {
            case 0: items.remove(at: Int(random.next() % UInt64(items.count)))
            case 1: items.append(contentsOf: Array(repeating: random.pick(items), count: 1 + Int(random.next() % 8)))
            default: items.append(random.pick(items))
            }
            return .array(items)
        case .object(var members):
            guard let key = members.keys.sorted().randomElement(using: &random) else { return self }
            members.removeValue(forKey: key)
            return .object(members)
        case .bool(let value):
            return .bool(!value)
        case .null:
            return random.pick(Self.extremeNumbers)
        }
    }
}

extension SplitMix: RandomNumberGenerator {}
