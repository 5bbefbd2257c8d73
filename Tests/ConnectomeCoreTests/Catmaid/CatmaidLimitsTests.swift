import Foundation
import ImageCodecs
import TestSupport
import Testing
@testable import ConnectomeCore

/// Corrupt or hostile CATMAID answers and N5 data: numbers out of range are `.data` errors naming
/// the source, the field and the value; tile and block headers are checked before decoding.
@Suite("CATMAID and N5 data out of range")
struct CatmaidLimitsTests {
    // MARK: - N5

    let attributes = N5DatasetAttributes(dimensions: [5, 4, 3], blockSize: [4, 4, 2], dataType: .uint8, compression: .raw)

    static func header(mode: UInt16 = 0, shape: [UInt32], count: UInt32? = nil) -> Data {
        func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        var bytes: [UInt8] = [UInt8(mode >> 8), UInt8(mode & 0xFF), 0, UInt8(shape.count)]
        for size in shape { bytes += bigEndian(size) }
        if let count { bytes += bigEndian(count) }
        return Data(bytes)
    }

    @Test func n5BlockHeaderWithAbsurdDimensionsIsRefusedBeforeMultiplying() {
        // 2^32 − 1 per axis: the product would overflow an Int; nothing is multiplied or allocated.
        let block = Self.header(shape: [.max, .max, .max]) + Data(count: 32)
        let error = #expect(throws: ConnectomeError.self) {
            try N5Block.decode(block, attributes: attributes, source: "https://n5.test/c.n5/s0/0/0/0")
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("N5 block https://n5.test/c.n5/s0/0/0/0") == true)
        #expect(error?.message.contains("block shape is [4294967295, 4294967295, 4294967295]") == true)
        #expect(error?.message.contains("blockSize [4, 4, 2]") == true)

        let varlength = #expect(throws: ConnectomeError.self) {
            try N5Block.decode(Self.header(mode: 1, shape: [4, 4, 2], count: .max) + Data(count: 32),
                               attributes: attributes, source: "v")
        }
        #expect(varlength?.message.contains("4294967295 elements") == true)
    }

    @Test func n5GzipPayloadInflatesOnlyToTheBlock() throws {
        var gzipped = attributes
        gzipped.compression = .gzip
        // 64 MiB of zeros behind a header of a 4 × 4 × 2 block (32 bytes): inflating stops at 32.
        let member = Gzip.compress(Data(count: 1 << 20), level: 9)
        let block = try N5Block.decode(Self.header(shape: [4, 4, 2]) + Data((0..<64).flatMap { _ in member }),
                                       attributes: gzipped, source: "bomb")
        #expect(block.bytes.count == 32)
    }

    @Test(arguments: [
        (#"{"dimensions":[2199023255552,1,1],"blockSize":[1,1,1],"dataType":"uint8"}"#, "dimensions[0] is 2199023255552"),
        (#"{"dimensions":[1099511627776,1099511627776,2],"blockSize":[1,1,1],"dataType":"uint8"}"#,
         "dimensions is [1099511627776, 1099511627776, 2]"),
        (#"{"dimensions":[8,8,8],"blockSize":[1048576,1,1],"dataType":"uint8"}"#, "blockSize[0] is 1048576"),
        (#"{"dimensions":[8,8,8],"blockSize":[16384,16384,16],"dataType":"uint16"}"#, "blockSize is [16384, 16384, 16]"),
        (#"{"dimensions":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"blockSize":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"dataType":"uint8"}"#,
         "the number of dimensions is 17"),
    ])
    func n5AttributesOutOfRangeAreNamed(json: String, expected: String) {
        let error = #expect(throws: ConnectomeError.self) {
            try N5DatasetAttributes.parse(Data(json.utf8), source: "https://n5.test/c.n5/s0/attributes.json")
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("https://n5.test/c.n5/s0/attributes.json: \(expected)") == true,
                "\(error?.message ?? "no error")")
    }

    // MARK: - Stack info

    static func stackInfo(replacing old: String, with new: String) -> Data {
        let json = CatmaidFixtures.stackInfoJSON
        precondition(json.contains(old), "fixture has no \(old)")
        return Data(json.replacingOccurrences(of: old, with: new).utf8)
    }

    @Test(arguments: [
        (#""num_zoom_levels": -1"#, #""num_zoom_levels": 1000"#, "num_zoom_levels is 1000"),
        (#""dimension": {"x": 253952"#, #""dimension": {"x": 2199023255552"#, "dimension.x is 2199023255552"),
        (#""dimension": {"x": 253952"#, #""dimension": {"x": 0"#, "dimension.x is 0"),
        (#""resolution": {"x": 4.0"#, #""resolution": {"x": "inf""#, "resolution.x is inf"),
        (#""translation": {"x": 0.0"#, #""translation": {"x": "nan""#, "translation.x is nan"),
        (#""downsample_factors": null"#, #""downsample_factors": [{"x": 1, "y": 1, "z": 1}, {"x": 0, "y": 2, "z": 1}]"#,
         "downsample_factors[1].x is 0.0"),
        (#""tile_width": 1024"#, #""tile_width": 100000"#, "tile_width is 100000"),
        (#""canary_location": {"x": 10000"#, #""canary_location": {"x": -9223372036854775808"#,
         "canary_location.x is -9223372036854775808"),
    ])
    func stackInfoOutOfRangeIsNamed(old: String, new: String, expected: String) {
        let error = #expect(throws: ConnectomeError.self) {
            try StackInfo.parse(Self.stackInfo(replacing: old, with: new), source: "https://catmaid.test/1/stack/5/info")
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("https://catmaid.test/1/stack/5/info") == true)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
    }

    @Test func zoomLevelsNeverOverflowAShift() throws {
        // Built directly (not parsed): still at most 48 levels, and sizes come out finite.
        let info = StackInfo(id: 1, projectID: 1, title: "t", dimension: StackExtent(x: .max, y: .max, z: 1),
                             resolution: StackVector(x: 1, y: 1, z: 1), numZoomLevels: 1000)
        #expect(info.maxZoomLevel == DataLimits.maxZoomLevels)
        let tiny = StackInfo(id: 1, projectID: 1, title: "t", dimension: StackExtent(x: 1 << 40, y: 1, z: 1),
                             resolution: StackVector(x: 1, y: 1, z: 1),
                             downsampleFactors: [StackVector(x: 1e-300, y: 1, z: 1)])
        let error = #expect(throws: ConnectomeError.self) { try tiny.size(zoom: 0) }
        #expect(error?.kind == .data && error?.message.contains("zoom 0 size along x") == true)
        let far = #expect(throws: ConnectomeError.self) {
            try info.section(ofProjectPosition: StackVector(x: 0, y: 0, z: 1e300))
        }
        #expect(far?.kind == .argument)
    }

    // MARK: - Tiles

    static func stack(tileSide: Int, fileExtension: String = "png") -> StackInfo {
        StackInfo(id: 3, projectID: 1, title: "remote", dimension: StackExtent(x: 4096, y: 4096, z: 2),
                  resolution: StackVector(x: 4, y: 4, z: 40), numZoomLevels: 0,
                  mirrors: [StackMirror(id: 9, title: "tiles", imageBase: "http://tiles.test/s/", tileWidth: tileSide,
                                        tileHeight: tileSide, tileSourceType: 1, fileExtension: fileExtension)])
    }

    @Test func tileLargerThanTheMirrorsTileSizeIsRefusedBeforeDecoding() async throws {
        let big = try PNGCodec.encode(PixelImage(width: 64, height: 48, format: .gray8))
        let transport = CatmaidCannedTransport { HTTPResponse(status: 200, body: big, url: $0.url) }
        let stack = Self.stack(tileSide: 16)
        let error = await #expect(throws: ConnectomeError.self) {
            try await StackReader(opener: .standard(transport: transport))
                .readSection(stack: stack, mirror: stack.mirrors[0], zoom: 0, region: StackPlaneRegion(x: 0..<16, y: 0..<16), section: 0)
        }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("tile http://tiles.test/s/0/0_0_0.png") == true)
        #expect(error?.message.contains("header's size is 64 × 48") == true)
        #expect(error?.message.contains("tile size 16 × 16") == true)
    }

    @Test func regionNeedingTooManyTilesIsRefusedBeforeAnyRequest() async throws {
        let transport = CatmaidCannedTransport { HTTPResponse(status: 404, body: Data(), url: $0.url) }
        let stack = Self.stack(tileSide: 1)
        let error = await #expect(throws: ConnectomeError.self) {
            try await StackReader(opener: .standard(transport: transport))
                .readSection(stack: stack, mirror: stack.mirrors[0], zoom: 0, region: StackPlaneRegion(x: 0..<1024, y: 0..<1024), section: 0)
        }
        #expect(error?.kind == .argument)
        #expect(error?.message.contains("1024 × 1024 tiles of 1 × 1 pixels") == true)
        #expect(transport.requests.isEmpty)
    }

    // MARK: - Tile URLs with a query go through HTTPStore

    @Test func queryTilesGetTheStoresContentDecodingAndStatusHints() async throws {
        let tile = try PNGCodec.encode(CatmaidFixtures.section(width: 16, height: 16, z: 0))
        let gzipped = CatmaidCannedTransport { request in
            HTTPResponse(status: 200, headers: ["content-encoding": "gzip"], body: Gzip.compress(tile), url: request.url)
        }
        let stack = Self.stack(tileSide: 16, fileExtension: "png?v=2")
        let read = try await StackReader(opener: .standard(transport: gzipped))
            .readSection(stack: stack, mirror: stack.mirrors[0], zoom: 0, region: StackPlaneRegion(x: 0..<16, y: 0..<16), section: 1)
        #expect(gzipped.requests.map(\.url) == ["http://tiles.test/s/1/0_0_0.png?v=2"])
        #expect(read.tilesFetched == 1)
        #expect(read.image == CatmaidFixtures.section(width: 16, height: 16, z: 0))

        let failing = CatmaidCannedTransport { HTTPResponse(status: 503, body: Data(), url: $0.url) }
        let error = await #expect(throws: ConnectomeError.self) {
            try await StackReader(opener: .standard(transport: failing))
                .readSection(stack: stack, mirror: stack.mirrors[0], zoom: 0, region: StackPlaneRegion(x: 0..<16, y: 0..<16), section: 1)
        }
        #expect(error?.kind == .network)
        #expect(error?.message.contains("http://tiles.test/s/1/0_0_0.png?v=2 answered 503 Service Unavailable") == true)
        #expect(error?.hint.contains("retry later") == true)
    }
}
