/// The scalar type of one voxel channel, as an `info` file's `data_type` names it.
public enum VoxelDataType: String, Sendable, CaseIterable {
    case uint8, uint16, uint32, uint64, int8, int16, int32, float32

    /// Bytes per value (all stored little-endian).
    public var itemSize: Int {
        switch self {
        case .uint8, .int8: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64: 8
        }
    }
}
