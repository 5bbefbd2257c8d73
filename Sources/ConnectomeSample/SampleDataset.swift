import ConnectomeCore
import Foundation
import ImageCodecs
import JSONModel

/// Writes the bundled offline dataset: a synthetic EM volume in the precomputed format.
///
/// Layout (see `DatasetDescription.sample`, `SampleLayout`): `image/` jpeg (quality 90) in
/// 64 × 64 × 8 chunks, `image_raw/` raw and `segmentation/` uint64 compressed_segmentation
/// (blocks 8³) in 64³ chunks, with `mipCount` scales that halve x and y; beside them the connectome
/// (`neurons.csv`, `synapses.csv` and `segmentation/skeletons/`, see `SampleConnectome`). Output is
/// byte-for-byte the same on every run.
///
/// The image layer's chunks are thin in z so that a slab of `slabDepth` sections can be written
/// alone (`writeImageSlab`): the first `slice` on a fresh machine needs only the slab it shows,
/// which takes a fraction of a second, rather than the whole sample.
public enum SampleDataset {
    public static let chunkSize = [64, 64, 64]
    public static let imageChunkSize = [64, 64, slabDepth]
    public static let blockSize = [8, 8, 8]
    public static let jpegQuality = 90
    /// Sections per image chunk, and so per slab the kernel writes on demand.
    public static let slabDepth = 8

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

    /// A precomputed layer of the sample.
    public enum Layer: String, Sendable, CaseIterable {
        case image, imageRaw, segmentation

        public var name: String {
            switch self {
            case .image: SampleLayout.imageLayer
            case .imageRaw: SampleLayout.rawImageLayer
            case .segmentation: SampleLayout.segmentationLayer
            }
        }

        func info(for volume: SampleVolume) -> PrecomputedInfo {
            info(size: volume.size, mipCount: volume.mipCount)
        }

        func info(size: [Int], mipCount: Int) -> PrecomputedInfo {
            switch self {
            case .image: SampleDataset.info(size: size, mipCount: mipCount, type: .image, encoding: .jpeg)
            case .imageRaw: SampleDataset.info(size: size, mipCount: mipCount, type: .image, encoding: .raw)
            case .segmentation:
                SampleDataset.info(size: size, mipCount: mipCount, type: .segmentation, encoding: .compressedSegmentation)
            }
        }
    }

    /// Generates the sample (see `SampleVolume`) and writes it under `directory`, creating it.
    /// `progress` gets (chunk files written, total).
    @discardableResult
    public static func write(to directory: String, size: (Int, Int, Int) = (1024, 1024, 64), mipCount: Int = 4,
                             progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Summary {
        let volume = SampleVolume(size: [size.0, size.1, size.2], mipCount: mipCount)
        return try write(volume, to: directory, progress: progress)
    }

    /// Writes an already generated volume: `layers` and, with the segmentation, the connectome.
    /// `stop` is asked before each chunk; when it answers true the writing ends with
    /// `CancellationError` (the caller removes what was written).
    @discardableResult
    public static func write(_ volume: SampleVolume, to directory: String, layers: [Layer] = Layer.allCases,
                             progress: (@Sendable (Int, Int) -> Void)? = nil,
                             stop: (@Sendable () -> Bool)? = nil) throws -> Summary {
        precondition(volume.isWhole, "write(_:to:) writes whole layers; a slab goes through writeImageSlab")
        for layer in layers { try writeInfo(layer, of: volume, to: directory) }
        let totals = try writeChunks(volume, layers: layers, sections: volume.sections, to: directory,
                                     progress: progress, stop: stop)
        var neurons = 0, synapses = 0
        if layers.contains(.segmentation) {
            let connectome = SampleConnectome(volume)
            try connectome.write(to: directory, stop: stop)
            (neurons, synapses) = (connectome.neuronCount, connectome.synapseCount)
        }
        return Summary(directory: directory, size: volume.size, mipCount: volume.mipCount, files: totals.files,
                       bytes: totals.bytes, segments: volume.segmentIDs.count, neurons: neurons, synapses: synapses)
    }

    /// Writes the `info` of `layer` under `directory/<layer>` (creating the folders of its scales).
    public static func writeInfo(_ layer: Layer, of volume: SampleVolume, to directory: String) throws {
        try writeInfo(layer, size: volume.size, mipCount: volume.mipCount, to: directory)
    }

    /// The same for a volume of `size` and `mipCount` scales, before any of it is generated.
    public static func writeInfo(_ layer: Layer, size: [Int], mipCount: Int, to directory: String) throws {
        let info = layer.info(size: size, mipCount: mipCount)
        let layerDirectory = directory + "/" + layer.name
        for scale in info.scales { try createDirectory(layerDirectory + "/" + scale.key, FileManager.default) }
        try write(info.json.serialized(sortedKeys: true, pretty: true), to: layerDirectory + "/info", atomically: true)
    }

    /// The image chunks (every mip) of the slab of `sections`, a multiple of `slabDepth` (or the
    /// volume's end), written into an image layer whose `info` is already there. Each file is written
    /// whole or not at all (a temporary name, then a rename), so a reader never gets half a chunk.
    public static func writeImageSlab(_ volume: SampleVolume, sections: Range<Int>, to directory: String,
                                      stop: (@Sendable () -> Bool)? = nil) throws {
        precondition(sections.lowerBound >= volume.sections.lowerBound && sections.upperBound <= volume.sections.upperBound,
                     "the slab \(sections) was not generated (\(volume.sections))")
        _ = try writeChunks(volume, layers: [.image], sections: sections, to: directory, atomically: true,
                            progress: nil, stop: stop)
        if let stop, stop() { throw CancellationError() }
    }

    /// The slab (a range of sections) that holds section `z` of a volume `depth` sections deep.
    public static func slab(containing z: Int, depth: Int) -> Range<Int> {
        let start = z / slabDepth * slabDepth
        return start..<min(start + slabDepth, depth)
    }

    /// Writes the chunks of `layers` whose z range lies in `sections` on all cores.
    private static func writeChunks(_ volume: SampleVolume, layers: [Layer], sections: Range<Int>, to directory: String,
                                    atomically: Bool = false, progress: (@Sendable (Int, Int) -> Void)?,
                                    stop: (@Sendable () -> Bool)?) throws -> (files: Int, bytes: Int) {
        let infos = layers.map { $0.info(for: volume) }
        var jobs: [ChunkJob] = []
        for (layerIndex, info) in infos.enumerated() {
            for (mip, scale) in info.scales.enumerated() {
                let grid = scale.grid.gridSize
                for gz in 0..<grid[2] {
                    let box = scale.grid.box(ChunkIndex(0, 0, gz))
                    guard box.z.lowerBound >= sections.lowerBound, box.z.upperBound <= sections.upperBound else { continue }
                    for gy in 0..<grid[1] {
                        for gx in 0..<grid[0] { jobs.append(ChunkJob(layer: layerIndex, mip: mip, chunk: ChunkIndex(gx, gy, gz))) }
                    }
                }
            }
        }
        let allJobs = jobs
        let failure = LockedBox<ConnectomeError?>(nil)
        let counters = LockedBox((files: 0, bytes: 0))
        DispatchQueue.concurrentPerform(iterations: allJobs.count) { index in
            if let stop, stop() { return }
            let job = allJobs[index]
            let info = infos[job.layer]
            let scale = info.scales[job.mip]
            let box = scale.grid.box(job.chunk)
            do {
                let bytes = try encodeChunk(volume, layer: info, mip: job.mip, box: box)
                try write(bytes, to: directory + "/" + layers[job.layer].name + "/" + scale.key + "/" + scale.grid.name(job.chunk),
                          atomically: atomically)
                let done = counters.update { $0.files += 1; $0.bytes += bytes.count; return $0.files }
                progress?(done, allJobs.count)
            } catch {
                let wrapped = error as? ConnectomeError ?? ConnectomeError.data("cannot encode a sample chunk: \(error)")
                failure.update { if $0 == nil { $0 = wrapped } }
            }
        }
        if let stop, stop() { throw CancellationError() }
        if let error = failure.value { throw error }
        return counters.value
    }

    /// The `info` of one sample layer.
    public static func info(for volume: SampleVolume, type: PrecomputedInfo.VolumeType,
                            encoding: PrecomputedEncoding) -> PrecomputedInfo {
        info(size: volume.size, mipCount: volume.mipCount, type: type, encoding: encoding)
    }

    static func info(size: [Int], mipCount: Int, type: PrecomputedInfo.VolumeType,
                     encoding: PrecomputedEncoding) -> PrecomputedInfo {
        let scales = (0..<mipCount).map { mip in
            let resolution = [SampleVolume.resolution[0] * Double(1 << mip), SampleVolume.resolution[1] * Double(1 << mip),
                              SampleVolume.resolution[2]]
            return PrecomputedScale(
                key: resolution.map { String(Int($0)) }.joined(separator: "_"), size: SampleVolume.mipSize(size, mip),
                resolution: resolution, chunkSizes: [encoding == .jpeg ? imageChunkSize : chunkSize], encoding: encoding,
                compressedSegmentationBlockSize: encoding == .compressedSegmentation ? blockSize : nil)
        }
        return PrecomputedInfo(type: type, dataType: type == .image ? .uint8 : .uint64, scales: scales,
                               skeletons: type == .segmentation ? SampleConnectome.skeletonDirectory : nil)
    }

    struct ChunkJob: Sendable { var layer: Int; var mip: Int; var chunk: ChunkIndex }

    static func encodeChunk(_ volume: SampleVolume, layer: PrecomputedInfo, mip: Int, box: ChunkBox) throws -> Data {
        let size = volume.mipSize(mip)
        let (w, h) = (size[0], size[1])
        let first = volume.sections.lowerBound  // the volume may hold only a slab
        switch layer.scales[mip].encoding {
        case .compressedSegmentation:
            var labels = [UInt64](repeating: 0, count: box.voxelCount)
            volume.cells[mip].withUnsafeBufferPointer { cells in
                var i = 0
                for z in box.z { for y in box.y { for x in box.x {
                    labels[i] = volume.segmentIDs[Int(cells[x + w * (y + h * (z - first))])]
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
                    let start = box.x.lowerBound + w * (y + h * (z - first))
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

    static func write(_ data: Data, to path: String, atomically: Bool = false) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: atomically ? .atomic : [])
        } catch {
            throw ConnectomeError.argument("cannot write \(path): \(error.localizedDescription)",
                                           hint: "Check the free space and permissions of the target directory")
        }
    }
}
