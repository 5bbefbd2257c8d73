import Foundation
import ImageCodecs
import JSONModel
import TestSupport
@testable import ConnectomeCore

/// Shapes of real CATMAID answers, and small synthetic volumes to cut stacks from.
enum CatmaidFixtures {
    /// Shaped like CATMAID 2023 `stack/{id}/info` for an FAFB-like stack (values shortened).
    static let stackInfoJSON = #"""
    {
      "sid": 5, "pid": 1, "ptitle": "FAFB00", "stitle": "FAFB00 v14 aligned",
      "downsample_factors": null, "num_zoom_levels": -1,
      "translation": {"x": 0.0, "y": 0.0, "z": 40.0},
      "resolution": {"x": 4.0, "y": 4.0, "z": 40.0},
      "dimension": {"x": 253952, "y": 155648, "z": 7063},
      "comment": "<p>Aligned by Eric Perlman</p>", "description": "",
      "metadata": {"clamp": false},
      "broken_slices": {"10": 1, "20": 1, "21": 1},
      "mirrors": [
        {"id": 6, "title": "Janelia tiles", "image_base": "https://tiles.example.org/fafb/v14/", "tile_width": 1024,
         "tile_height": 1024, "tile_source_type": 1, "file_extension": "jpg?v=2", "position": 1},
        {"id": 7, "title": "N5", "image_base": "https://n5.example.org/data/fafb.n5/volumes/%SCALE_DATASET%/2_1_0",
         "tile_width": 256, "tile_height": 256, "tile_source_type": 11, "file_extension": "", "position": 0},
        {"id": 8, "title": "DVID", "image_base": "https://dvid.example.org/api/node/abc/", "tile_width": 512,
         "tile_height": 512, "tile_source_type": 8, "file_extension": "jpg", "position": 2}
      ],
      "orientation": 0, "attribution": "Zheng et al. 2018",
      "canary_location": {"x": 10000, "y": 10000, "z": 100},
      "placeholder_color": {"r": 0.5, "g": 0.5, "b": 0.5, "a": 1.0}
    }
    """#

    static let explicitFactorsJSON = #"""
    {
      "sid": 2, "pid": 3, "ptitle": "p", "stitle": "anisotropic",
      "downsample_factors": [{"x": 1, "y": 1, "z": 1}, {"x": 2, "y": 2, "z": 1}, {"x": 4, "y": 4, "z": 2}],
      "num_zoom_levels": 2, "translation": {"x": 100, "y": 200, "z": 300},
      "resolution": {"x": 8, "y": 8, "z": 40}, "dimension": {"x": 1000, "y": 601, "z": 35},
      "broken_slices": {}, "mirrors": [], "orientation": 1, "metadata": null, "comment": null,
      "placeholder_color": {"r": 0, "g": 0, "b": 0, "a": 1}
    }
    """#

    static let stacksJSON = #"""
    [{"id": 5, "pid": 1, "title": "FAFB00 v14 aligned", "comment": ""},
     {"id": 9, "pid": 1, "title": "Overview", "comment": "low res"}]
    """#

    /// A deterministic test pattern that varies along all three axes.
    static func value(_ x: Int, _ y: Int, _ z: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: x &* 7 &+ y &* 13 &+ z &* 31 &+ (x * y) / 5)
    }

    /// A smooth pattern (JPEG keeps it within a few grey levels).
    static func smooth(_ x: Int, _ y: Int, _ z: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: 128 + Int(60 * sin(Double(x) / 23 + Double(z) / 5)) + Int(50 * cos(Double(y) / 31)))
    }

    static func section(width: Int, height: Int, z: Int, pattern: (Int, Int, Int) -> UInt8 = value) -> PixelImage {
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width { pixels[y * width + x] = pattern(x, y, z) } }
        return try! PixelImage(width: width, height: height, format: .gray8, pixels: pixels)
    }

    static func temporaryDirectory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "ck-catmaid-\(name)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Opens `memory://` URLs from `stores` (by URL prefix) and everything else as the standard opener does.
    static func opener(memory stores: [String: MemoryStore] = [:]) -> CatmaidStoreOpener {
        CatmaidStoreOpener { url, authorization, headers in
            if let store = stores[url] { return store }
            return try CatmaidStoreOpener.standard(transport: nil).store(url: url, authorization: authorization,
                                                                          headers: headers)
        }
    }
}

/// A transport that answers from a closure and records the requests it saw.
final class CatmaidCannedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [HTTPRequest] = []
    let answer: @Sendable (HTTPRequest) -> HTTPResponse

    init(answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.answer = answer
    }

    var requests: [HTTPRequest] { lock.withLock { seen } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { seen.append(request) }
        return answer(request)
    }
}
