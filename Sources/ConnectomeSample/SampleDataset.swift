import ConnectomeCore
import Foundation
import ImageCodecs
import JSONModel

/// Writes the bundled offline dataset: a synthetic EM volume in the precomputed format.
///
/// Layout (see `DatasetDescription.sample`): `image/` jpeg (quality 90), `image_raw/` raw, and
/// `segmentation/` uint64 compressed_segmentation (blocks 8³), all in 64³ chunks, with `mipCount`
/// scales that halve x and y; beside them the connectome (`neurons.csv`, `synapses.csv` and
/// `segmentation/skeletons/`, see `SampleConnectome`). Output is byte-for-byte the same on every run.
public enum SampleDataset {
    public static let chunkSize = [64, 64, 64]
    public static let blockSize = [8, 8, 8]
    public static let jpegQuality = 90

    /// What was written.
    public struct Summary: Sendable {
        public var directory: String
        public var size: [Int]
        public var mipCount: Int
        public var files: Int
        public var bytes: Int
        public var segments: Int
        /// Rows of `neurons.csv` and `synapses.csv` (see `SampleConnectome`).
        public var neurons: Int
        public var synapses: Int
    }

    /// Generates the sample (see `SampleVolume`) and writes it under `directory`, creating it.
    /// `progress` gets (chunk files written, total).
    @discardableResult
    public static func write(to directory: String, size: (Int, Int, Int) = (1024, 1024, 64), mipCount: Int = 4,
                             progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Summary {
        let volume = SampleVolume(size: [size.0, size.1, size.2], mipCount: mipCount)
        return try write(volume, to: directory, progress: progress)
    }

    /// Writes an already generated volume. `stop` is asked before each chunk; when it answers true
    /// the writing ends with `CancellationError` (the caller removes what was written).
    @discardableResult
    public static func write(_ volume: SampleVolume, to directory: String,
                             progress: (@Sendable (Int, Int) -> Void)? = nil,
                             stop: (@Sendable () -> Bool)? = nil) throws -> Summary {
        let layers: [(name: String, info: PrecomputedInfo)] = [
            ("image", info(for: volume, type: .image, encoding: .jpeg)),
            ("image_raw", info(for: volume, type: .image, encoding: .raw)),
            ("segmentation", info(for: volume, type: .segmentation, encoding: .compressedSegmentation)),
        ]
        var jobs: [ChunkJob] = []
        let fileManager = FileManager.default
        for (layerIndex, layer) in layers.enumerated() {
            let layerDirectory = directory + "/" + layer.name
            for (mip, scale) in layer.info.scales.enumerated() {
                try createDirectory(layerDirectory + "/" + scale.key, fileManager)
                let grid = scale.grid.gridSize
                for gz in 0..<grid[2] {
                    for gy in 0..<grid[1] {
                        for gx in 0..<grid[0] { jobs.append(ChunkJob(layer: layerIndex, mip: mip, chunk: ChunkIndex(gx, gy, gz))) }
                    }
                }
            }
            try write(layer.info.json.serialized(sortedKeys: true, pretty: true), to: layerDirectory + "/info")
        }

        let allJobs = jobs
        let failure = LockedBox<ConnectomeError?>(nil)
        let counters = LockedBox((files: 0, bytes: 0))
        DispatchQueue.concurrentPerform(iterations: allJobs.count) { index in
            if let stop, stop() { return }
            let job = allJobs[index]
            let layer = layers[job.layer]
            let scale = layer.info.scales[job.mip]
            let box = scale.grid.box(job.chunk)
            do {
                let bytes = try encodeChunk(volume, layer: layer.info, mip: job.mip, box: box)
                try write(bytes, to: directory + "/" + layer.name + "/" + scale.key + "/" + scale.grid.name(job.chunk))
                let done = counters.update { $0.files += 1; $0.bytes += bytes.count; return $0.files }
                progress?(done, allJobs.count)
            } catch {
                let wrapped = error as? ConnectomeError ?? ConnectomeError.data("cannot encode a sample chunk: \(error)")
                failure.update { if $0 == nil { $0 = wrapped } }
            }
        }
        if let stop, stop() { throw CancellationError() }
        if let error = failure.value { throw error }
        let connectome = SampleConnectome(volume)
        try connectome.write(to: directory, stop: stop)
        let totals = counters.value
        return Summary(directory: directory, size: volume.size, mipCount: volume.mipCount, files: totals.files,
                       bytes: totals.bytes, segments: volume.segmentIDs.count, neurons: connectome.neuronCount,
                       synapses: connectome.synapseCount)
    }

    /// The `info` of one sample layer.
    public static func info(for volume: SampleVolume, type: PrecomputedInfo.VolumeType,
                            encoding: PrecomputedEncoding) -> PrecomputedInfo {
        let scales = (0..<volume.mipCount).map { mip in
            let resolution = [SampleVolume.resolution[0] * Double(1 << mip), SampleVolume.resolution[1] * Double(1 << mip),
                              SampleVolume.resolution[2]]
            return PrecomputedScale(
                key: resolution.map { String(Int($0)) }.joined(separator: "_"), size: volume.mipSize(mip),
                resolution: resolution, chunkSizes: [chunkSize], encoding: encoding,
                compressedSegmentationBlockSize: encoding == .compressedSegmentation ? blockSize : nil)
        }
        return PrecomputedInfo(type: type, dataType: type == .image ? .uint8 : .uint64, scales: scales,
                               skeletons: type == .segmentation ? SampleConnectome.skeletonDirectory : nil)
    }

    struct ChunkJob: Sendable { var layer: Int; var mip: Int; var chunk: ChunkIndex }

    static func encodeChunk(_ volume: SampleVolume, layer: PrecomputedInfo, mip: Int, box: ChunkBox) throws -> Data {
        let size = volume.mipSize(mip)
        let (w, h) = (size[0], size[1])
        switch layer.scales[mip].encoding {
        case .compressedSegmentation:
            var labels = [UInt64](repeating: 0, count: box.voxelCount)
            volume.cells[mip].withUnsafeBufferPointer { cells in
                var i = 0
                for z in box.z { for y in box.y { for x in box.x {
                    labels[i] = volume.segmentIDs[Int(cells[x + w * (y + h * z)])]
                    i += 1
                } } }
            }
            return labels.withUnsafeBufferPointer {
                Data(CompressedSegmentation.encode($0, chunkSize: [box.width, box.height, box.depth], blockSize: blockSize))
            }
        default:
            var voxels = [UInt8](repeating: 0, count: box.voxelCount)
            volume.images[mip].withUnsafeBufferPointer { image in
                var i = 0
                for z in box.z { for y in box.y {
                    let start = box.x.lowerBound + w * (y + h * z)
                    for x in 0..<box.width { voxels[i + x] = image[start + x] }
                    i += box.width
                } }
            }
            if layer.scales[mip].encoding == .jpeg {
                let picture = try PixelImage(width: box.width, height: box.height * box.depth, format: .gray8, pixels: voxels)
                return try JPEGCodec.encode(picture, quality: jpegQuality)
            }
            return Data(voxels)
        }
    }

    static func createDirectory(_ path: String, _ fileManager: FileManager) throws {
        do {
            try fileManager.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ConnectomeError.argument("cannot create the directory \(path): \(error.localizedDescription)",
                                           hint: "Choose a directory you can write to")
        }
    }

    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw ConnectomeError.argument("cannot write \(path): \(error.localizedDescription)",
                                           hint: "Check the free space and permissions of the target directory")
        }
    }
}
