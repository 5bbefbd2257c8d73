import Foundation
import ImageCodecs

/// One decoded N5 block: its actual shape (edge blocks may be smaller than `blockSize`) and its
/// elements, still big-endian as stored.
public struct N5Block: Sendable, Equatable {
    /// Shape in N5 order (fastest-varying first).
    public var shape: [Int]
    /// Elements in N5 order, `dataType.byteCount` bytes each, big-endian.
    public var bytes: [UInt8]

    public init(shape: [Int], bytes: [UInt8]) {
        self.shape = shape
        self.bytes = bytes
    }

    /// Parses the header (mode u16, ndim u16, ndim × u32 shape, u32 element count in varlength mode,
    /// all big-endian) and decompresses the payload.
    public static func decode(_ data: Data, attributes: N5DatasetAttributes,
                              source: String) throws(ConnectomeError) -> N5Block {
        let bytes = [UInt8](data)
        func fail(_ why: String) -> ConnectomeError {
            ConnectomeError.data("N5 block \(source) (\(bytes.count) bytes) is malformed: \(why)",
                                 hint: "the block may be truncated or not an N5 block; re-write it")
        }
        func u16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        func u32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        try N5DatasetAttributes.checkLimits(dimensions: attributes.dimensions, blockSize: attributes.blockSize,
                                            dataType: attributes.dataType, source: source)
        guard bytes.count >= 4 else { throw fail("shorter than the 4-byte header") }
        let mode = u16(0)
        let ndim = u16(2)
        guard mode == 0 || mode == 1 else {
            throw fail("mode \(mode) is not 0 (default) or 1 (varlength); object blocks (2) hold no image")
        }
        guard ndim == attributes.dimensions.count else {
            throw fail("header has \(ndim) dimensions, the dataset \(attributes.dimensions.count)")
        }
        var offset = 4
        guard bytes.count >= offset + 4 * ndim + (mode == 1 ? 4 : 0) else { throw fail("header cut short") }
        var shape: [Int] = []
        for _ in 0..<ndim {
            shape.append(u32(offset))
            offset += 4
        }
        // The header's shape is checked against the dataset's block size before anything is
        // multiplied or allocated: a u32 per axis could otherwise overflow or ask for terabytes.
        guard zip(shape, attributes.blockSize).allSatisfy({ $0 <= $1 }) else {
            throw ConnectomeError.outOfRange(
                "N5 block \(source)", field: "the header's block shape", value: shape,
                allowed: "at most the dataset's blockSize \(attributes.blockSize) per axis",
                hint: "the block may be damaged or belong to another dataset; re-write it")
        }
        let elements = shape.reduce(1, *)  // ≤ the product of blockSize, which the attributes bound
        if mode == 1 {
            let count = u32(offset)
            offset += 4
            guard count == elements else {
                throw fail("the varlength header says \(count) elements, its shape \(shape) holds \(elements)")
            }
        }
        let needed = elements * attributes.dataType.byteCount
        let payload = data.subdata(in: (data.startIndex + offset)..<data.endIndex)
        let raw: Data
        switch attributes.compression {
        case .raw:
            raw = payload
        case .gzip:
            do {
                // Inflating stops at the block's bytes (a little more would be trailing padding).
                raw = try Gzip.decompress(payload, prefix: needed)
            } catch {
                throw fail("gzip payload: \(error.message)")
            }
        }
        guard raw.count >= needed else {
            throw fail("shape \(shape) needs \(elements) elements (\(needed) bytes), payload has \(raw.count) bytes")
        }
        return N5Block(shape: shape, bytes: [UInt8](raw.prefix(needed)))
    }
}
