/// Ordered key–value entries, keys as strings (an integer key is stored as its decimal text).
///
/// Order is kept because records are written and shown by people, who expect their order back.
public struct Record: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: Value

        public init(key: String, value: Value) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var entries: [Entry]

    /// A later entry with a key already present replaces the earlier one's value, in its place.
    public init(_ entries: [Entry] = []) {
        var positions: [String: Int] = [:]
        var kept: [Entry] = []
        kept.reserveCapacity(entries.count)
        for entry in entries {
            if let position = positions[entry.key] {
                kept[position].value = entry.value
            } else {
                positions[entry.key] = kept.count
                kept.append(entry)
            }
        }
        self.entries = kept
    }

    public init(_ pairs: KeyValuePairs<String, Value>) {
        self.init(pairs.map { Entry(key: $0.key, value: $0.value) })
    }

    public var keys: [String] { entries.map(\.key) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Reading returns nil for a missing key; writing replaces in place or appends; writing nil removes.
    public subscript(key: String) -> Value? {
        get { entries.first { $0.key == key }?.value }
        set {
            let index = entries.firstIndex { $0.key == key }
            switch (index, newValue) {
            case let (index?, value?): entries[index].value = value
            case let (nil, value?): entries.append(Entry(key: key, value: value))
            case let (index?, nil): entries.remove(at: index)
            case (nil, nil): break
            }
        }
    }
}
