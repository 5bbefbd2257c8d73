/// A key that hashes with a cheap integer mix (Swift's `Hasher` is SipHash: safe, and several
/// times slower than needed for counting 10 million synapses per neuron pair).
protocol FastHashKey: Equatable, BitwiseCopyable, Sendable {
    var mixedHash: UInt64 { get }
}

/// The SplitMix64 finalizer: every input bit reaches every output bit.
@inline(__always) func mix64(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

extension UInt64: FastHashKey {
    @inline(__always) var mixedHash: UInt64 { mix64(self) }
}

/// An ordered pair of IDs (pre, post): the key of a connection.
struct IDPair: FastHashKey {
    var first: UInt64
    var second: UInt64
    @inline(__always) var mixedHash: UInt64 { mix64(first ^ mix64(second)) }
}

/// Distinct keys numbered in first-insertion order, with open addressing and linear probing.
///
/// `insert` answers the key's number (new or old), which is what group-by and ID indexes need:
/// counts and first rows live in plain arrays indexed by that number.
struct FastHashMap<Key: FastHashKey> {
    /// The distinct keys in insertion order.
    private(set) var keys: [Key] = []
    private var slotKeys: [Key]
    /// Entry number + 1 per slot; 0 = empty.
    private var slotEntries: [Int]
    private var mask: Int

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        mask = size - 1
        slotEntries = [Int](repeating: 0, count: size)
        slotKeys = []
        slotKeys.reserveCapacity(size)
        keys.reserveCapacity(capacity)
        placeholderFill(size)
    }

    var count: Int { keys.count }

    /// The key's entry number, inserting it when new.
    @inline(__always) mutating func insert(_ key: Key) -> (entry: Int, inserted: Bool) {
        if keys.count * 2 >= slotEntries.count { grow() }
        var slot = Int(truncatingIfNeeded: key.mixedHash) & mask
        while true {
            let entry = slotEntries[slot]
            if entry == 0 {
                slotEntries[slot] = keys.count + 1
                slotKeys[slot] = key
                keys.append(key)
                return (keys.count - 1, true)
            }
            if slotKeys[slot] == key { return (entry - 1, false) }
            slot = (slot + 1) & mask
        }
    }

    /// The key's entry number, or nil.
    @inline(__always) func find(_ key: Key) -> Int? {
        var slot = Int(truncatingIfNeeded: key.mixedHash) & mask
        while true {
            let entry = slotEntries[slot]
            if entry == 0 { return nil }
            if slotKeys[slot] == key { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let size = slotEntries.count * 2
        mask = size - 1
        slotEntries = [Int](repeating: 0, count: size)
        slotKeys.removeAll(keepingCapacity: true)
        placeholderFill(size)
        for (entry, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: key.mixedHash) & mask
            while slotEntries[slot] != 0 { slot = (slot + 1) & mask }
            slotEntries[slot] = entry + 1
            slotKeys[slot] = key
        }
    }

    /// Slot keys need some value before they are written; an empty slot's key is never read.
    private mutating func placeholderFill(_ size: Int) {
        slotKeys = [Key](unsafeUninitializedCapacity: size) { buffer, initialized in
            if let base = buffer.baseAddress {
                UnsafeMutableRawPointer(base).initializeMemory(as: UInt8.self, repeating: 0,
                                                               count: size * MemoryLayout<Key>.stride)
            }
            initialized = size
        }
    }
}
