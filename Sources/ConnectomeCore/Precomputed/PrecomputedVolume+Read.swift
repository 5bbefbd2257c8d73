/// The public reads: XY sections and single voxels.
extension PrecomputedVolume {
    /// Reads the XY section `x × y` at `z`, in mip `mip`'s absolute voxel coordinates (offset included).
    ///
    /// Parts of the region outside the volume are padded with 0; a region wholly outside throws
    /// `ConnectomeError.argument` naming the volume's bounds. `progress` is called with
    /// (chunks done, chunks total) as chunks land.
    public func readSection(mip: Int, x: Range<Int>, y: Range<Int>, z: Int,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> SectionRead {
        let scale = try readableScale(mip: mip)
        let grid = scale.grid
        guard !x.isEmpty, !y.isEmpty else {
            throw ConnectomeError.argument("the region x \(x.lowerBound)..<\(x.upperBound), y \(y.lowerBound)..<\(y.upperBound) is empty",
                                           hint: "Give ranges with start < end")
        }
        let (bx, by, bz) = (grid.bounds(axis: 0), grid.bounds(axis: 1), grid.bounds(axis: 2))
        guard x.overlaps(bx), y.overlaps(by), bz.contains(z) else {
            throw ConnectomeError.argument(
                "the region x \(x.lowerBound)..<\(x.upperBound), y \(y.lowerBound)..<\(y.upperBound), z \(z) is outside the volume, which at mip \(mip) spans x \(bx.lowerBound)..<\(bx.upperBound), y \(by.lowerBound)..<\(by.upperBound), z \(bz.lowerBound)..<\(bz.upperBound)",
                hint: "Coordinates are voxels of the chosen mip; divide mip-0 coordinates by 2 per mip in x and y")
        }
        let pixelBytes = info.numChannels * info.dataType.itemSize
        guard let width = Checked.subtract(x.upperBound, x.lowerBound), let height = Checked.subtract(y.upperBound, y.lowerBound),
              let outputBytes = Checked.multiply(width, height, pixelBytes) else {
            throw ConnectomeError.argument(
                "the region x \(x.lowerBound)..<\(x.upperBound), y \(y.lowerBound)..<\(y.upperBound) is too large to hold in memory",
                hint: "Read a smaller region")
        }
        let gz = (z - grid.voxelOffset[2]) / grid.chunkSize[2]
        let columns = grid.chunkRange(axis: 0, covering: x), rows = grid.chunkRange(axis: 1, covering: y)
        guard let chunkCount = Checked.multiply(columns.count, rows.count), chunkCount <= DataLimits.maxFetchesPerRead else {
            throw ConnectomeError.argument(
                "the region x \(x.lowerBound)..<\(x.upperBound), y \(y.lowerBound)..<\(y.upperBound) at mip \(mip) touches \(columns.count) × \(rows.count) chunks of \(grid.chunkSize[0]) × \(grid.chunkSize[1]) voxels, more than the \(DataLimits.maxFetchesPerRead) one read fetches",
                hint: "Read a smaller region or a coarser mip")
        }
        var requests: [PlaneRequest] = []
        requests.reserveCapacity(chunkCount)
        for gy in rows {
            for gx in columns {
                requests.append(PlaneRequest(chunk: ChunkIndex(gx, gy, gz), z: z))
            }
        }
        var output = [UInt8](repeating: 0, count: outputBytes)
        var read = SectionRead(section: VoxelSection(x: 0..<0, y: 0..<0, z: z, dataType: info.dataType,
                                                     channels: info.numChannels, data: []),
                               chunksTotal: requests.count, chunksFetched: 0, chunksMissing: 0, chunksFromCache: 0,
                               bytesFetched: 0)
        try await fetchPlanes(mip: mip, requests: requests, progress: progress) { request, result in
            if result.fromCache { read.chunksFromCache += 1 } else { read.chunksFetched += 1 }
            read.bytesFetched += result.bytesFetched
            guard let plane = result.plane else { read.chunksMissing += 1; return }
            let box = grid.box(request.chunk)
            let xs = x.clamped(to: box.x), ys = y.clamped(to: box.y)
            let runBytes = xs.count * pixelBytes
            plane.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { target in
                    for row in ys {
                        let from = ((row - box.y.lowerBound) * box.width + (xs.lowerBound - box.x.lowerBound)) * pixelBytes
                        let to = ((row - y.lowerBound) * width + (xs.lowerBound - x.lowerBound)) * pixelBytes
                        target.baseAddress!.advanced(by: to)
                            .copyMemory(from: source.baseAddress!.advanced(by: from), byteCount: runBytes)
                    }
                }
            }
        }
        read.section = VoxelSection(x: x, y: y, z: z, dataType: info.dataType, channels: info.numChannels, data: output)
        return read
    }

    /// The values at absolute voxel `points` of mip `mip` (channel 0): the segment IDs under
    /// points for a segmentation. Points outside the volume, or in missing chunks, read as 0.
    public func readValues(mip: Int, points: [(Int, Int, Int)]) async throws -> [UInt64] {
        let grid = try readableScale(mip: mip).grid
        var requestIndex: [PlaneRequest: Int] = [:]
        var requests: [PlaneRequest] = []
        var pointRequest = [Int?](repeating: nil, count: points.count)
        for (index, point) in points.enumerated() {
            guard let chunk = grid.chunk(containing: point) else { continue }
            let request = PlaneRequest(chunk: chunk, z: point.2)
            if let known = requestIndex[request] {
                pointRequest[index] = known
            } else {
                requestIndex[request] = requests.count
                pointRequest[index] = requests.count
                requests.append(request)
            }
        }
        var planes = [[UInt8]?](repeating: nil, count: requests.count)
        try await fetchPlanes(mip: mip, requests: requests, progress: nil) { request, result in
            planes[requestIndex[request]!] = result.plane
        }
        let itemSize = info.dataType.itemSize
        let channels = info.numChannels
        return points.indices.map { index in
            guard let slot = pointRequest[index], let plane = planes[slot] else { return 0 }
            let point = points[index]
            let box = grid.box(requests[slot].chunk)
            let pixel = (point.1 - box.y.lowerBound) * box.width + (point.0 - box.x.lowerBound)
            return plane.withUnsafeBytes { raw in
                VoxelSection.load(raw, offset: pixel * channels * itemSize, dataType: info.dataType)
            }
        }
    }
}
