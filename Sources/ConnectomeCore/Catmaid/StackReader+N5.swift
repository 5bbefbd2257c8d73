import Foundation

/// Tile source 11: a section cut from the 3-D blocks of an N5 dataset, one dataset per zoom level.
extension StackReader {
    func readN5(stack: StackInfo, mirror: StackMirror, zoom: Int, inside: StackPlaneRegion, section: Int,
                into canvas: inout Canvas) async throws -> (total: Int, fetched: Int) {
        let location = try N5Location(imageBase: mirror.imageBase, zoom: zoom)
        let store = try opener.store(url: location.containerURL,
                                     authorization: credentials.mirrors[mirror.id]?.authorization)
        let attributesKey = location.datasetPath + "/attributes.json"
        let attributesSource = location.containerURL + "/" + attributesKey
        guard let attributesData = try await fetch([attributesKey], from: store, mirror: mirror)[0] else {
            throw ConnectomeError.argument(
                "zoom level \(zoom) of mirror \(mirror.id) '\(mirror.title)' has no N5 dataset: \(attributesSource) does not exist",
                hint: "the mirror's image base is \(mirror.imageBase); pick a zoom whose s<zoom> dataset exists")
        }
        let attributes = try N5DatasetAttributes.parse(attributesData, source: attributesSource)
        guard attributes.dimensions.count == 3 else {
            throw ConnectomeError.unsupported("\(attributesSource) has \(attributes.dimensions.count) dimensions; CATMAID N5 image stacks have 3")
        }
        let axes = location.stackAxes
        let zFactor = try stack.downsample(zoom: zoom).z
        guard let plane = Checked.int(Double(section) / zFactor, rounding: .down) else {
            throw ConnectomeError.outOfRange("stack \(stack.id) '\(stack.title)'", field: "downsample_factors[\(zoom)].z",
                                             value: zFactor, allowed: "a factor that maps section \(section) to a plane")
        }
        let dims = attributes.dimensions, blockSize = attributes.blockSize
        let xs = inside.x.clamped(to: 0..<dims[axes[0]])
        let ys = inside.y.clamped(to: 0..<dims[axes[1]])
        guard !xs.isEmpty, !ys.isEmpty, plane < dims[axes[2]] else { return (0, 0) }

        let columns = (xs.lowerBound / blockSize[axes[0]])...((xs.upperBound - 1) / blockSize[axes[0]])
        let rows = (ys.lowerBound / blockSize[axes[1]])...((ys.upperBound - 1) / blockSize[axes[1]])
        try Self.checkFetchCount(columns.count, rows.count, of: "N5 blocks of \(blockSize[axes[0]]) × \(blockSize[axes[1]]) voxels",
                                 region: inside, source: attributesSource)
        var grids: [[Int]] = []
        for by in rows {
            for bx in columns {
                var grid = [0, 0, 0]
                grid[axes[0]] = bx
                grid[axes[1]] = by
                grid[axes[2]] = plane / blockSize[axes[2]]
                grids.append(grid)
            }
        }
        let keys = grids.map { location.datasetPath + "/" + N5DatasetAttributes.blockKey($0) }
        let contents = try await fetch(keys, from: store, mirror: mirror)
        let blocks = try await WorkerPool.withChildTasks {
            try await withThrowingTaskGroup(of: (Int, N5Block).self) { group in
                for (index, data) in contents.enumerated() {
                    guard let data else { continue }
                    let source = location.containerURL + "/" + keys[index]
                    group.addTask { (index, try N5Block.decode(data, attributes: attributes, source: source)) }
                }
                var results: [(Int, N5Block)] = []
                for try await result in group { results.append(result) }
                return results
            }
        }
        for (index, block) in blocks {
            let origin = (0..<3).map { grids[index][$0] * blockSize[$0] }
            canvas.paste(block, origin: origin, axes: axes, plane: plane, clip: StackPlaneRegion(x: xs, y: ys),
                         elementBytes: attributes.dataType.byteCount)
        }
        return (grids.count, blocks.count)
    }
}

extension Canvas {
    /// Copies the part of `block` (N5 order, origin `origin`) that lies in stack plane `plane`
    /// inside `clip`; uint16 elements keep their high byte (the first, big-endian).
    mutating func paste(_ block: N5Block, origin: [Int], axes: [Int], plane: Int, clip: StackPlaneRegion,
                        elementBytes: Int) {
        let strides = [1, block.shape[0], block.shape[0] * block.shape[1]]
        let zInBlock = plane - origin[axes[2]]
        guard zInBlock >= 0, zInBlock < block.shape[axes[2]] else { return }
        let xs = max(clip.x.lowerBound, origin[axes[0]])..<min(clip.x.upperBound, origin[axes[0]] + block.shape[axes[0]])
        let ys = max(clip.y.lowerBound, origin[axes[1]])..<min(clip.y.upperBound, origin[axes[1]] + block.shape[axes[1]])
        guard !xs.isEmpty, !ys.isEmpty else { return }
        let xStride = strides[axes[0]] * elementBytes
        let width = region.width
        let regionX = region.x.lowerBound, regionY = region.y.lowerBound
        block.bytes.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for y in ys {
                    var from = (zInBlock * strides[axes[2]] + (y - origin[axes[1]]) * strides[axes[1]]
                        + (xs.lowerBound - origin[axes[0]]) * strides[axes[0]]) * elementBytes
                    let rowStart = (y - regionY) * width - regionX
                    if xStride == 1 {
                        UnsafeMutableRawPointer(target.baseAddress! + rowStart + xs.lowerBound)
                            .copyMemory(from: source.baseAddress! + from, byteCount: xs.count)
                        continue
                    }
                    for x in xs {
                        target[rowStart + x] = source[from]
                        from += xStride
                    }
                }
            }
        }
    }
}
