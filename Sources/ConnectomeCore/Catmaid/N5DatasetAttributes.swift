import Foundation
import JSONModel

/// An N5 dataset's `attributes.json`: array shape, block shape, element type and compression.
///
/// Dimensions are in N5 order (fastest-varying first, the reverse of zarr's shape).
public struct N5DatasetAttributes: Sendable, Hashable {
    public enum DataType: String, Sendable, CaseIterable {
        case uint8, uint16
        public var byteCount: Int { self == .uint8 ? 1 : 2 }
    }

    public enum Compression: String, Sendable, CaseIterable {
        case raw, gzip
    }

    public var dimensions: [Int]
    public var blockSize: [Int]
    public var dataType: DataType
    public var compression: Compression

    public init(dimensions: [Int], blockSize: [Int], dataType: DataType, compression: Compression) {
        self.dimensions = dimensions
        self.blockSize = blockSize
        self.dataType = dataType
        self.compression = compression
    }

    /// Parses `attributes.json`, accepting both the current `compression: {type}` and the old
    /// top-level `compressionType` spelling.
    public static func parse(_ data: Data, source: String) throws(ConnectomeError) -> N5DatasetAttributes {
        let json = try CatmaidJSON.parseObject(data, source: source, expecting: "an N5 dataset attributes.json")
        func integers(_ key: String) throws(ConnectomeError) -> [Int] {
            guard let values = json[key]?.arrayValue?.compactMap(\.intValue), values.count == json[key]?.arrayValue?.count,
                  !values.isEmpty, values.allSatisfy({ $0 >= 0 })
            else {
                throw ConnectomeError.data("\(source): '\(key)' is not a list of non-negative integers"
                                           + " (found \(json[key].map(CatmaidJSON.kind(of:)) ?? "nothing"))",
                                           hint: "the path may name an N5 group rather than a dataset")
            }
            return values
        }
        let dimensions = try integers("dimensions")
        let blockSize = try integers("blockSize")
        guard dimensions.count == blockSize.count, blockSize.allSatisfy({ $0 > 0 }) else {
            throw ConnectomeError.data("\(source): dimensions \(dimensions) and blockSize \(blockSize) do not match")
        }
        let typeName = json["dataType"]?.stringValue ?? "(none)"
        guard let dataType = DataType(rawValue: typeName) else {
            throw ConnectomeError.unsupported(
                "\(source): N5 data type '\(typeName)' is not read as a CATMAID image",
                hint: "image blocks must be \(DataType.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        try checkLimits(dimensions: dimensions, blockSize: blockSize, dataType: dataType, source: source)
        let compressionJSON = json["compression"]
        let compressionName = compressionJSON?["type"]?.stringValue ?? json["compressionType"]?.stringValue ?? "raw"
        guard let compression = Compression(rawValue: compressionName) else {
            throw ConnectomeError.unsupported(
                "\(source): N5 compression '\(compressionName)' is not supported",
                hint: "supported compressions are raw and gzip; rewrite the dataset with one of them")
        }
        if compression == .gzip, compressionJSON?["useZlib"]?.boolValue == true {
            throw ConnectomeError.unsupported("\(source): gzip compression with useZlib: true (zlib streams) is not supported",
                                              hint: "rewrite the dataset with plain gzip (useZlib: false)")
        }
        return N5DatasetAttributes(dimensions: dimensions, blockSize: blockSize, dataType: dataType,
                                   compression: compression)
    }

    /// Dimensions and block shape within `DataLimits`, so that block grids, strides and block
    /// buffers computed from them cannot overflow or allocate more than one chunk's worth.
    static func checkLimits(dimensions: [Int], blockSize: [Int], dataType: DataType,
                            source: String) throws(ConnectomeError) {
        guard dimensions.count <= DataLimits.maxN5Dimensions else {
            throw ConnectomeError.outOfRange(source, field: "the number of dimensions", value: dimensions.count,
                                             allowed: "at most \(DataLimits.maxN5Dimensions)")
        }
        if let axis = dimensions.firstIndex(where: { $0 > DataLimits.maxAxisVoxels }) {
            throw ConnectomeError.outOfRange(source, field: "dimensions[\(axis)]", value: dimensions[axis],
                                             allowed: "0 to 2^40 voxels per axis")
        }
        guard let voxels = Checked.product(dimensions), voxels <= DataLimits.maxVolumeVoxels else {
            throw ConnectomeError.outOfRange(source, field: "dimensions", value: dimensions,
                                             allowed: "at most 2^60 voxels in all")
        }
        if let axis = blockSize.firstIndex(where: { $0 > DataLimits.maxChunkAxisVoxels }) {
            throw ConnectomeError.outOfRange(source, field: "blockSize[\(axis)]", value: blockSize[axis],
                                             allowed: "1 to \(DataLimits.maxChunkAxisVoxels) voxels per axis")
        }
        guard let blockVoxels = Checked.product(blockSize), blockVoxels <= DataLimits.maxChunkVoxels,
              blockVoxels * dataType.byteCount <= DataLimits.maxChunkBytes else {
            throw ConnectomeError.outOfRange(source, field: "blockSize", value: blockSize,
                                             allowed: "at most \(DataLimits.maxChunkVoxels) voxels and \(DataLimits.describe(bytes: DataLimits.maxChunkBytes)) per block")
        }
    }

    /// The key of block `grid` (N5 order) relative to the dataset.
    public static func blockKey(_ grid: [Int]) -> String {
        grid.map(String.init).joined(separator: "/")
    }
}
