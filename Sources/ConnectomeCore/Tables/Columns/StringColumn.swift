/// A column of UTF-8 strings as Arrow lays them out: all bytes in one array, one offset per row.
///
/// 140,000 × 30 annotation cells or 10 million synapse rows would be millions of separately
/// allocated `String`s; one byte array and one offset array are two allocations, compare with
/// `memcmp`, and come from an Arrow buffer by one copy.
public struct StringColumn: ColumnStorage {
    /// `count + 1` offsets into `bytes`, non-decreasing, starting at 0: row r is `bytes[offsets[r] ..< offsets[r + 1]]`.
    public private(set) var offsets: [Int]
    public private(set) var bytes: [UInt8]
    public private(set) var validity: Validity?

    /// Trusts `offsets` (the readers check them against the bytes before they get here).
    init(offsets: [Int], bytes: [UInt8], validity: Validity?) {
        precondition(offsets.first == 0 && offsets.last.map { $0 <= bytes.count } == true, "string offsets out of range")
        precondition(validity.map { $0.count == offsets.count - 1 } ?? true, "validity length differs from the rows")
        self.offsets = offsets
        self.bytes = bytes
        self.validity = validity?.simplified
    }

    /// Strings with nil as null.
    public init(_ strings: [String?]) {
        var builder = StringColumnBuilder(capacity: strings.count)
        for string in strings {
            if var string { string.withUTF8 { builder.append($0) } } else { builder.appendNull() }
        }
        self = builder.finish()
    }

    public var count: Int { offsets.count - 1 }

    /// The same rows with another null bitmap.
    func replacingValidity(_ validity: Validity?) -> StringColumn {
        var copy = self
        copy.validity = validity?.simplified
        return copy
    }

    public subscript(row: Int) -> String? {
        isNull(row) ? nil : string(at: row)
    }

    /// The text of row `row` ("" under a null).
    public func string(at row: Int) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: $0[offsets[row]..<offsets[row + 1]], as: UTF8.self) }
    }

    /// The UTF-8 bytes of row `row` without copying.
    @inline(__always) public func withUTF8<R>(at row: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[offsets[row]..<offsets[row + 1]]))
        }
    }

    public func gathering(_ indices: UnsafeBufferPointer<Int>) -> StringColumn {
        var newOffsets = [Int](repeating: 0, count: indices.count + 1)
        var total = 0
        for (position, row) in indices.enumerated() {
            total += offsets[row + 1] - offsets[row]
            newOffsets[position + 1] = total
        }
        let newBytes = bytes.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: total) { target, initialized in
                guard let base = target.baseAddress, let from = source.baseAddress else { initialized = 0; return }
                for (position, row) in indices.enumerated() {
                    let length = offsets[row + 1] - offsets[row]
                    if length > 0 { (base + newOffsets[position]).update(from: from + offsets[row], count: length) }
                }
                initialized = total
            }
        }
        return StringColumn(offsets: newOffsets, bytes: newBytes, validity: validity?.gathering(indices))
    }

    public static func concatenating(_ parts: [StringColumn]) -> StringColumn {
        var offsets: [Int] = [0]
        var bytes: [UInt8] = []
        offsets.reserveCapacity(parts.reduce(1) { $0 + $1.count })
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.bytes.count })
        for part in parts {
            let base = bytes.count - part.offsets[0]
            for index in 1..<part.offsets.count { offsets.append(base + part.offsets[index]) }
            bytes.append(contentsOf: part.bytes[part.offsets[0]..<part.offsets[part.count]])
        }
        return StringColumn(offsets: offsets, bytes: bytes,
                            validity: Validity.concatenating(parts.map { ($0.validity, $0.count) }))
    }
}

/// Appends strings row by row (the CSV reader, dictionary decoding, list elements).
struct StringColumnBuilder {
    private(set) var offsets: [Int] = [0]
    private(set) var bytes: [UInt8] = []
    private var validity = ValidityBuilder()

    init(capacity: Int = 0, byteCapacity: Int = 0) {
        offsets.reserveCapacity(capacity + 1)
        bytes.reserveCapacity(byteCapacity)
        validity = ValidityBuilder(capacity: capacity)
    }

    var count: Int { offsets.count - 1 }

    mutating func append(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: utf8)
        offsets.append(bytes.count)
        validity.append(true)
    }

    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    /// Appends a row whose bytes were already added with `appendBytes`.
    mutating func appendBytes(_ utf8: some Sequence<UInt8>) { bytes.append(contentsOf: utf8) }
    mutating func appendByte(_ byte: UInt8) { bytes.append(byte) }
    mutating func closeRow() {
        offsets.append(bytes.count)
        validity.append(true)
    }

    mutating func appendNull() {
        offsets.append(bytes.count)
        validity.append(false)
    }

    func finish() -> StringColumn { StringColumn(offsets: offsets, bytes: bytes, validity: validity.finish()) }
}
