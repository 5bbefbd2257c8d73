/// ID → packed colour for one render call: sections hold few distinct IDs, so each is resolved once.
///
/// Open addressing on `UInt64` keys (0 marks an empty slot; ID 0 never gets here). A value of 0
/// means "not coloured", otherwise `0x01RRGGBB`.
struct SegmentColorTable {
    static let colored: UInt32 = 0x0100_0000
    private let style: SegmentationStyle
    private var keys: [UInt64]
    private var values: [UInt32]
    private var count = 0
    private var shift: UInt64

    init(style: SegmentationStyle) {
        self.style = style
        keys = [UInt64](repeating: 0, count: 256)
        values = [UInt32](repeating: 0, count: 256)
        shift = 64 - 8
    }

    /// The packed colour of `id`, or 0 when it is not drawn.
    mutating func color(_ id: UInt64) -> UInt32 {
        guard id != 0 else { return 0 }
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let key = keys[slot]
            if key == id { return values[slot] }
            if key == 0 { break }
            slot = (slot + 1) & mask
        }
        let value = resolve(id)
        keys[slot] = id
        values[slot] = value
        count += 1
        if count * 2 > keys.count { grow() }
        return value
    }

    private func resolve(_ id: UInt64) -> UInt32 {
        let segment = SegmentID(id)
        if let selected = style.segments, !selected.contains(segment) { return 0 }
        if let chosen = style.colors[segment] {
            return Self.colored | UInt32(chosen.red) << 16 | UInt32(chosen.green) << 8 | UInt32(chosen.blue)
        }
        return Self.colored | SegmentPalette.packedColor(id)
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [UInt32](repeating: 0, count: oldKeys.count * 2)
        shift -= 1
        let mask = keys.count - 1
        for (key, value) in zip(oldKeys, oldValues) where key != 0 {
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = value
        }
    }
}
