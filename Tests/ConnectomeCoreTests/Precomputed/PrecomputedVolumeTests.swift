import Foundation
import ImageCodecs
import Synchronization
import Testing
@testable import ConnectomeCore

@Suite struct PrecomputedVolumeTests {
    static let info = VolumeFixture.info(size: [100, 70, 10], offset: [5, -3, 2], chunk: [32, 32, 4])

    func check(_ read: SectionRead, x: Range<Int>, y: Range<Int>, z: Int, missing: (Int, Int) -> Bool = { _, _ in false }) {
        let grid = Self.info.scales[0].grid
        for row in y {
            for column in x {
                let inside = grid.bounds(axis: 0).contains(column) && grid.bounds(axis: 1).contains(row)
                let expected = inside && !missing(column, row) ? UInt64(VolumeFixture.voxel(column, row, z)) : 0
                let got = read.section.value(column: column - x.lowerBound, row: row - y.lowerBound)
                guard got == expected else {
                    Issue.record("voxel (\(column), \(row), \(z)) is \(got), expected \(expected)")
                    return
                }
            }
        }
    }

    @Test func readsASectionAcrossChunksWithOffsets() async throws {
        let store = CountingStore(try VolumeFixture.rawStore(Self.info))
        let volume = try await PrecomputedVolume.open(store: store, cache: nil, infoCache: nil)
        let read = try await volume.readSection(mip: 0, x: 20..<90, y: 0..<60, z: 7)
        check(read, x: 20..<90, y: 0..<60, z: 7)
        #expect(read.section.width == 70 && read.section.height == 60)
        #expect(read.chunksTotal == 3 * 2)
        #expect(read.chunksFetched == 6 && read.chunksMissing == 0 && read.chunksFromCache == 0)
        // Only the plane of each raw chunk crosses the wire (plus one 2-byte probe for gzip storage).
        let planeReads = store.requests.filter { $0.1 != nil && $0.1!.count > 2 }
        #expect(planeReads.count == 6)
        #expect(read.bytesFetched == planeReads.reduce(0) { $0 + $1.1!.count })
        #expect(read.bytesFetched < 6 * 32 * 32 * 4)
    }

    @Test func partlyOutsideIsPaddedAndWhollyOutsideIsAnError() async throws {
        let volume = try await PrecomputedVolume.open(store: try VolumeFixture.rawStore(Self.info), cache: nil, infoCache: nil)
        let read = try await volume.readSection(mip: 0, x: -20..<30, y: 60..<80, z: 2)
        check(read, x: -20..<30, y: 60..<80, z: 2)
        let error = await #expect(throws: ConnectomeError.self) {
            try await volume.readSection(mip: 0, x: 0..<100, y: 0..<50, z: 12)
        }
        #expect(error?.kind == .argument)
        #expect(error?.message.contains("x 5..<105, y -3..<67, z 2..<12") == true, "\(error?.message ?? "")")
        await #expect(throws: ConnectomeError.self) { try await volume.readSection(mip: 0, x: 105..<200, y: 0..<10, z: 3) }
    }

    @Test func missingChunksReadAsZeroAndAreCounted() async throws {
        let skip: Set = [ChunkIndex(1, 0, 1), ChunkIndex(2, 1, 1)]
        let volume = try await PrecomputedVolume.open(store: try VolumeFixture.rawStore(Self.info, skip: skip),
                                                      cache: nil, infoCache: nil)
        let read = try await volume.readSection(mip: 0, x: 5..<105, y: -3..<67, z: 8)
        #expect(read.chunksMissing == 2 && read.chunksTotal == 12)
        let grid = Self.info.scales[0].grid
        check(read, x: 5..<105, y: -3..<67, z: 8) { x, y in
            skip.contains(grid.chunk(containing: (x, y, 8))!)
        }
    }

    @Test func gzipStoredChunksAreFetchedWholeAndGunzipped() async throws {
        let store = CountingStore(try VolumeFixture.rawStore(Self.info, gzip: true))
        let volume = try await PrecomputedVolume.open(store: store, cache: nil, infoCache: nil)
        let read = try await volume.readSection(mip: 0, x: 5..<105, y: -3..<67, z: 5)
        check(read, x: 5..<105, y: -3..<67, z: 5)
        #expect(store.requests.filter { $0.1 == nil && $0.0 != "info" }.count == 12)
    }

    @Test func secondReadComesFromTheCache() async throws {
        let cache = ChunkCache(capacityBytes: 1 << 20)
        let store = CountingStore(try VolumeFixture.rawStore(Self.info))
        let volume = try await PrecomputedVolume.open(store: store, cache: cache, infoCache: nil)
        _ = try await volume.readSection(mip: 0, x: 5..<105, y: -3..<67, z: 4)
        store.reset()
        let again = try await volume.readSection(mip: 0, x: 5..<105, y: -3..<67, z: 4)
        check(again, x: 5..<105, y: -3..<67, z: 4)
        #expect(again.chunksFromCache == 12 && again.chunksFetched == 0 && again.bytesFetched == 0)
        #expect(store.requests.isEmpty)
        #expect(cache.stats.hits >= 12)
    }

    @Test func progressReportsEveryChunk() async throws {
        let volume = try await PrecomputedVolume.open(store: try VolumeFixture.rawStore(Self.info), cache: nil, infoCache: nil)
        let seen = Mutex<[Int]>([])
        _ = try await volume.readSection(mip: 0, x: 5..<105, y: -3..<67, z: 4) { done, total in
            #expect(total == 12)
            seen.withLock { $0.append(done) }
        }
        #expect(seen.withLock { $0 } == Array(1...12))
    }

    @Test func jpegChunksDecodeOnlyTheNeededRows() async throws {
        let info = VolumeFixture.info(size: [40, 30, 8], chunk: [16, 16, 4], encoding: .jpeg)
        let store = MemoryStore()
        try store.put("info", info.json.serialized())
        let grid = info.scales[0].grid
        // Smooth content so that JPEG stays close; each chunk a 16 × (16·4) image.
        func voxel(_ x: Int, _ y: Int, _ z: Int) -> UInt8 { UInt8(30 + 2 * x + 2 * y + 8 * z) }
        for gz in 0..<2 { for gy in 0..<2 { for gx in 0..<3 {
            let box = grid.box(ChunkIndex(gx, gy, gz))
            var pixels: [UInt8] = []
            for z in box.z { for y in box.y { for x in box.x { pixels.append(voxel(x, y, z)) } } }
            let image = try PixelImage(width: box.width, height: box.height * box.depth, format: .gray8, pixels: pixels)
            try store.put("s0/" + grid.name(ChunkIndex(gx, gy, gz)), JPEGCodec.encode(image, quality: 95))
        } } }
        let volume = try await PrecomputedVolume.open(store: store, cache: ChunkCache(capacityBytes: 1 << 20), infoCache: nil)
        for z in [0, 5, 7] {
            let read = try await volume.readSection(mip: 0, x: 0..<40, y: 0..<30, z: z)
            var worst = 0
            for y in 0..<30 { for x in 0..<40 {
                worst = max(worst, abs(Int(read.section.value(column: x, row: y)) - Int(voxel(x, y, z))))
            } }
            #expect(worst <= 6, "z \(z): worst difference \(worst)")
        }
        // z 6 lies in chunks already fetched for z 5: decoded from the cached encoded chunk.
        let cached = try await volume.readSection(mip: 0, x: 0..<40, y: 0..<30, z: 6)
        #expect(cached.chunksFromCache == 6 && cached.chunksFetched == 0)
    }

    @Test func readValuesLooksUpPoints() async throws {
        let volume = try await PrecomputedVolume.open(store: try VolumeFixture.rawStore(Self.info), cache: nil, infoCache: nil)
        let points = [(5, -3, 2), (104, 66, 11), (50, 30, 6), (0, 0, 0), (50, 30, 6)]
        let values = try await volume.readValues(mip: 0, points: points)
        #expect(values == [UInt64(VolumeFixture.voxel(5, -3, 2)), UInt64(VolumeFixture.voxel(104, 66, 11)),
                           UInt64(VolumeFixture.voxel(50, 30, 6)), 0, UInt64(VolumeFixture.voxel(50, 30, 6))])
    }

    @Test func openReportsAMissingInfo() async throws {
        let error = await #expect(throws: ConnectomeError.self) {
            try await PrecomputedVolume.open(store: MemoryStore(name: "empty"), cache: nil, infoCache: nil)
        }
        #expect(error?.message.contains("memory://empty/info does not exist") == true, "\(error?.message ?? "")")
    }

    @Test func scaleKeysWithDotDotResolve() async throws {
        var info = Self.info
        info.scales[0].key = "other/../s0"
        let store = try VolumeFixture.rawStore(Self.info)
        let volume = PrecomputedVolume(store: store, info: info, cache: nil)
        let read = try await volume.readSection(mip: 0, x: 5..<40, y: 0..<20, z: 3)
        check(read, x: 5..<40, y: 0..<20, z: 3)
    }
}

@Test func openByFileURLUsesTheInfoCache() async throws {
    let directory = FileManager.default.temporaryDirectory.path + "/ck-open-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try PrecomputedVolumeTests.info.json.serialized().write(to: URL(fileURLWithPath: directory + "/info"))
    let infos = InfoCache()
    let first = try await PrecomputedVolume.open(url: "precomputed://file://" + directory, transport: nil, cache: nil,
                                                 infoCache: infos)
    #expect(first.info == PrecomputedVolumeTests.info && infos.count == 1)
    try FileManager.default.removeItem(atPath: directory + "/info")
    let second = try await PrecomputedVolume.open(url: "file://" + directory, transport: nil, cache: nil, infoCache: infos)
    #expect(second.info == first.info)
}
