import Foundation
import JSONModel

/// A neuroglancer precomputed volume's `info` file: every field that affects how voxels are read.
///
/// Parsing is strict where a wrong guess would return wrong voxels (types, sizes, encodings,
/// sharding) and lenient elsewhere (unknown keys are ignored, writer hints dropped). An encoding
/// the kernel cannot decode is kept by name so that other scales stay readable; reading a scale
/// that uses it throws `ConnectomeError.unsupported`.
public struct PrecomputedInfo: Sendable, Equatable {
    public enum VolumeType: String, Sendable { case image, segmentation }

    public var type: VolumeType
    public var dataType: VoxelDataType
    public var numChannels: Int
    /// Scale 0 is the finest ("mip 0").
    public var scales: [PrecomputedScale]
    /// Sub-directory names of the segmentation's extra sources, kept for scenes.
    public var mesh: String?
    public var skeletons: String?
    public var segmentProperties: String?

    public init(type: VolumeType, dataType: VoxelDataType, numChannels: Int = 1, scales: [PrecomputedScale],
                mesh: String? = nil, skeletons: String? = nil, segmentProperties: String? = nil) {
        self.type = type
        self.dataType = dataType
        self.numChannels = numChannels
        self.scales = scales
        self.mesh = mesh
        self.skeletons = skeletons
        self.segmentProperties = segmentProperties
    }

    /// The scale for `mip`, or an argument error listing the mips there are.
    public func scale(mip: Int) throws -> PrecomputedScale {
        guard scales.indices.contains(mip) else {
            throw ConnectomeError.argument(
                "mip \(mip) does not exist; this volume has mips 0...\(scales.count - 1)",
                hint: "Pick a mip between 0 and \(scales.count - 1)")
        }
        return scales[mip]
    }
}

/// One resolution level of a precomputed volume.
public struct PrecomputedScale: Sendable, Equatable {
    /// Directory of this scale's chunks, relative to the volume (may contain `/` and `..`).
    public var key: String
    /// Voxels along x, y, z.
    public var size: [Int]
    /// Nanometres per voxel along x, y, z.
    public var resolution: [Double]
    /// Absolute coordinate of the first voxel (chunk names include it).
    public var voxelOffset: [Int]
    /// The chunk shapes the writer offers; readers use the first.
    public var chunkSizes: [[Int]]
    public var encoding: PrecomputedEncoding
    public var compressedSegmentationBlockSize: [Int]?
    public var sharding: ShardingSpec?

    public init(key: String, size: [Int], resolution: [Double], voxelOffset: [Int] = [0, 0, 0],
                chunkSizes: [[Int]], encoding: PrecomputedEncoding,
                compressedSegmentationBlockSize: [Int]? = nil, sharding: ShardingSpec? = nil) {
        self.key = key
        self.size = size
        self.resolution = resolution
        self.voxelOffset = voxelOffset
        self.chunkSizes = chunkSizes
        self.encoding = encoding
        self.compressedSegmentationBlockSize = compressedSegmentationBlockSize
        self.sharding = sharding
    }

    /// The chunk shape reads use.
    public var chunkSize: [Int] { chunkSizes[0] }

    /// The chunk grid of this scale.
    public var grid: ChunkGrid { ChunkGrid(size: size, voxelOffset: voxelOffset, chunkSize: chunkSize) }
}

/// How one chunk's bytes encode its voxels.
public enum PrecomputedEncoding: Sendable, Equatable, CustomStringConvertible {
    case raw, jpeg, png, compressedSegmentation
    /// An encoding this reader does not decode (`compresso`, `jxl`, …), kept by name for messages.
    case unsupported(String)

    public init(name: String) {
        switch name {
        case "raw": self = .raw
        case "jpeg": self = .jpeg
        case "png": self = .png
        case "compressed_segmentation": self = .compressedSegmentation
        default: self = .unsupported(name)
        }
    }

    public var description: String {
        switch self {
        case .raw: "raw"
        case .jpeg: "jpeg"
        case .png: "png"
        case .compressedSegmentation: "compressed_segmentation"
        case .unsupported(let name): name
        }
    }
}
