/// One XY section of voxels: what a slice shows and what the PNG encoder takes.
///
/// `data` holds `width × height` pixels row by row (x fastest), each pixel `channels` values of
/// `dataType`, little-endian: a uint8 single-channel section is a gray8 image as it stands.
public struct VoxelSection: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var dataType: VoxelDataType
    public var channels: Int
    public var data: [UInt8]
    /// The absolute voxel coordinates the section covers (offset included).
    public var x: Range<Int>
    public var y: Range<Int>
    public var z: Int

    public init(x: Range<Int>, y: Range<Int>, z: Int, dataType: VoxelDataType, channels: Int, data: [UInt8]) {
        precondition(data.count == x.count * y.count * channels * dataType.itemSize,
                     "\(data.count) bytes for a \(x.count) × \(y.count) × \(channels) \(dataType) section")
        self.width = x.count
        self.height = y.count
        self.dataType = dataType
        self.channels = channels
        self.data = data
        self.x = x
        self.y = y
        self.z = z
    }

    /// The stored value at section-local (column, row), as an unsigned integer (signed types
    /// sign-extended to their bit pattern, float32 as its bit pattern).
    public func value(column: Int, row: Int, channel: Int = 0) -> UInt64 {
        let item = dataType.itemSize
        let offset = ((row * width + column) * channels + channel) * item
        return data.withUnsafeBytes { raw in VoxelSection.load(raw, offset: offset, dataType: dataType) }
    }

    static func load(_ raw: UnsafeRawBufferPointer, offset: Int, dataType: VoxelDataType) -> UInt64 {
        switch dataType {
        case .uint8: UInt64(raw[offset])
        case .int8: UInt64(bitPattern: Int64(Int8(bitPattern: raw[offset])))
        case .uint16: UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .int16: UInt64(bitPattern: Int64(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))))
        case .uint32, .float32: UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .int32: UInt64(bitPattern: Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))))
        case .uint64: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
    }
}

/// A section and what reading it cost: the numbers behind a slice's progress line and `cache` stats.
public struct SectionRead: Sendable {
    public var section: VoxelSection
    /// Chunks the section touches.
    public var chunksTotal: Int
    /// Chunks requested from the store (including the ones found missing).
    public var chunksFetched: Int
    /// Chunks the store does not have; their voxels read as 0.
    public var chunksMissing: Int
    /// Chunks served from the chunk cache without a request.
    public var chunksFromCache: Int
    /// Bytes received from the store (after any gzip the transport undid).
    public var bytesFetched: Int
}
