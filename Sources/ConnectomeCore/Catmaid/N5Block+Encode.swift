import Foundation
import ImageCodecs
import JSONModel

extension N5Block {
    /// The block as stored: default-mode header (big-endian), then the elements, compressed as the
    /// attributes say (gzip at zlib `level`). Used by the sample writer and by tests.
    public func encoded(compression: N5DatasetAttributes.Compression, level: Int = 6) -> Data {
        var header = [UInt8]()
        header.reserveCapacity(4 + 4 * shape.count)
        header += [0, 0, UInt8(shape.count >> 8), UInt8(shape.count & 0xFF)]
        for size in shape {
            header += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        }
        var data = Data(header)
        switch compression {
        case .raw: data.append(contentsOf: bytes)
        case .gzip: data.append(Gzip.compress(Data(bytes), level: level))
        }
        return data
    }
}

extension N5DatasetAttributes {
    /// `attributes.json` as N5 writers store it.
    public var json: Data {
        let compressionJSON: JSONValue = compression == .gzip
            ? ["type": "gzip", "level": -1, "useZlib": false] : ["type": "raw"]
        let object: JSONValue = [
            "dimensions": .array(dimensions.map { .int(Int64($0)) }),
            "blockSize": .array(blockSize.map { .int(Int64($0)) }),
            "dataType": .string(dataType.rawValue),
            "compression": compressionJSON,
        ]
        return object.serialized(sortedKeys: true)
    }
}
