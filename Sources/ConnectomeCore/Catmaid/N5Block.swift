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
        // Each extent fits in 32 bits; their product need not fit in an Int.
        var elements = 1
        for extent in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw fail("block shape \(shape) has more elements than an Int can count") }
            elements = product
        }
        var count = elements
        if mode == 1 {
            count = u32(offset)
            offset += 4
        }
        guard zip(shape, attributes.blockSize).allSatisfy({ $0 <= $1 }) else {
            throw fail("block shape \(shape) exceeds blockSize \(attributes.blockSize)")
        }
        let payload = data.subdata(in: (data.startIndex + offset)..<data.endIndex)
        let raw: Data
        switch attributes.compression {
        case .raw:
            raw = payload
        case .gzip:
            do {
                raw = try Gzip.decompress(payload)
            } catch {
                throw fail("gzip payload: \(error.message)")
            }
        }
        let (needed, tooMany) = elements.multipliedReportingOverflow(by: attributes.dataType.byteCount)
        guard !tooMany, raw.count >= needed, count == elements else {
            throw fail("shape \(shape) needs \(elements) elements (\(needed) bytes), payload has \(raw.count) bytes")
        }
        return N5Block(shape: shape, bytes: [UInt8](raw.prefix(needed)))
    }
}
