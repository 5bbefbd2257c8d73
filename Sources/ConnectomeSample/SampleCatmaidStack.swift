import ConnectomeCore
import Foundation
import ImageCodecs
import JSONModel

/// Writes an EM volume as a CATMAID project served from files, so that every stack feature can be
/// shown and tested offline: `{dir}/1/stacks`, `{dir}/1/stack/1/info`, tile trees for tile source
/// types 1, 4 and 5 (256 × 256 tiles, every zoom level down to one tile), an N5 container (gzip,
/// `s0`…`sN`), and broken sections (10, and the chain 20, 21 → 22 by default).
///
/// Broken sections get no tiles and zero N5 planes, so a reader that failed to substitute them
/// would show it. Output is deterministic.
public struct SampleCatmaidStack: Sendable {
    public enum TileFormat: Sendable, Hashable {
        case jpeg(quality: Int)
        /// Lossless, for voxel-exact tests.
        case png

        var fileExtension: String {
            switch self {
            case .jpeg: "jpg"
            case .png: "png"
            }
        }
    }

    public static let projectID = 1
    public static let stackID = 1
    public static let tileSize = 256
    public static let n5BlockSize = [128, 128, 16]
    /// Mirror ids: tile source types 1, 4, 5 and N5.
    public static let mirrorIDs: (fileBased: Int, zoomDirectories: Int, directoryBased: Int, n5: Int) = (1, 2, 3, 4)

    /// The URL the project is served at (`file://{dir}` unless served elsewhere), for `CatmaidProject`.
    public var serverURL: String
    public var info: StackInfo
    /// Sizes (x, y) of each zoom level, level 0 first.
    public var levelSizes: [(width: Int, height: Int)]

    /// Writes the project into `directory` (created if needed).
    ///
    /// `sections(z)` returns section z at full resolution (`width` × `height`, gray8 or convertible);
    /// `servedAt` replaces `file://{directory}` in the mirrors' URLs when the directory is served
    /// over HTTP.
    public static func write(to directory: String, width: Int, height: Int, depth: Int,
                             sections: (Int) throws -> PixelImage,
                             resolution: StackVector = StackVector(x: 8, y: 8, z: 42),
                             translation: StackVector = StackVector(x: 0, y: 0, z: 0),
                             format: TileFormat = .jpeg(quality: 90), brokenSections: [Int] = [10, 20, 21],
                             servedAt: String? = nil) throws -> SampleCatmaidStack {
        guard width > 0, height > 0, depth > 0 else {
            throw ConnectomeError.argument("a sample stack needs a positive size, not \(width) × \(height) × \(depth)")
        }
        let broken = Set(brokenSections.filter { $0 >= 0 && $0 < depth })
        guard broken.count < depth else {
            throw ConnectomeError.argument("every section of the \(depth)-section sample would be broken")
        }
        var root = directory
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        let base = servedAt.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "file://" + root

        var levels = [(width: width, height: height)]
        while levels.last!.width > tileSize || levels.last!.height > tileSize {
            let last = levels.last!
            levels.append(((last.width + 1) / 2, (last.height + 1) / 2))
        }
        let writer = FileTreeWriter(root: root)
        let ext = format.fileExtension
        let n5Root = "sample.n5"
        let n5Dataset = "volume"
        try writer.write(n5Root + "/attributes.json", Data(#"{"n5":"2.5.0"}"#.utf8))
        try writer.write(n5Root + "/" + n5Dataset + "/attributes.json", Data("{}".utf8))
        for (level, size) in levels.enumerated() {
            let attributes = N5DatasetAttributes(dimensions: [size.width, size.height, depth], blockSize: n5BlockSize,
                                                 dataType: .uint8, compression: .gzip)
            try writer.write("\(n5Root)/\(n5Dataset)/s\(level)/attributes.json", attributes.json)
        }

        var pendingPlanes = [[PixelImage]](repeating: [], count: levels.count)
        for z in 0..<depth {
            var image = try sections(z).toGray8()
            guard image.width == width, image.height == height else {
                throw ConnectomeError.argument("section \(z) is \(image.width) × \(image.height), the stack \(width) × \(height)")
            }
            for level in levels.indices {
                if level > 0 { image = image.halved() }
                if broken.contains(z) {
                    pendingPlanes[level].append(PixelImage(width: image.width, height: image.height, format: .gray8))
                } else {
                    try writeTiles(of: image, section: z, zoom: level, format: format, ext: ext, writer: writer)
                    pendingPlanes[level].append(image)
                }
                if pendingPlanes[level].count == n5BlockSize[2] || z == depth - 1 {
                    try writeN5Blocks(planes: pendingPlanes[level], firstPlane: z + 1 - pendingPlanes[level].count,
                                      path: "\(n5Root)/\(n5Dataset)/s\(level)", writer: writer)
                    pendingPlanes[level].removeAll(keepingCapacity: true)
                }
            }
        }

        let mirrors = [
            StackMirror(id: mirrorIDs.fileBased, title: "tiles (type 1)", imageBase: base + "/tiles1/",
                        tileWidth: tileSize, tileHeight: tileSize, tileSourceType: 1, fileExtension: ext, position: 0),
            StackMirror(id: mirrorIDs.zoomDirectories, title: "tiles (type 4)", imageBase: base + "/tiles4/",
                        tileWidth: tileSize, tileHeight: tileSize, tileSourceType: 4, fileExtension: ext, position: 1),
            StackMirror(id: mirrorIDs.directoryBased, title: "tiles (type 5)", imageBase: base + "/tiles5/",
                        tileWidth: tileSize, tileHeight: tileSize, tileSourceType: 5, fileExtension: ext, position: 2),
            StackMirror(id: mirrorIDs.n5, title: "N5", imageBase: "\(base)/\(n5Root)/\(n5Dataset)/%SCALE_DATASET%/0_1_2",
                        tileWidth: n5BlockSize[0], tileHeight: n5BlockSize[1], tileSourceType: 11, fileExtension: "",
                        position: 3),
        ]
        let infoJSON = Self.infoJSON(width: width, height: height, depth: depth, resolution: resolution,
                                     translation: translation, maxZoom: levels.count - 1, broken: broken, mirrors: mirrors)
        let infoData = infoJSON.serialized(sortedKeys: true, pretty: true)
        try writer.write("\(projectID)/stack/\(stackID)/info", infoData)
        let stacks: JSONValue = [["id": .int(Int64(stackID)), "pid": .int(Int64(projectID)), "title": "sample EM",
                                  "comment": "synthetic EM written by connectome-kernel"]]
        try writer.write("\(projectID)/stacks", stacks.serialized(sortedKeys: true, pretty: true))
        let info = try StackInfo.parse(infoData, source: "\(base)/\(projectID)/stack/\(stackID)/info")
        return SampleCatmaidStack(serverURL: base, info: info, levelSizes: levels)
    }

    private static func writeTiles(of image: PixelImage, section z: Int, zoom: Int, format: TileFormat, ext: String,
                                   writer: FileTreeWriter) throws {
        for row in 0..<((image.height + tileSize - 1) / tileSize) {
            for column in 0..<((image.width + tileSize - 1) / tileSize) {
                let tile = image.crop(x: column * tileSize, y: row * tileSize, width: tileSize, height: tileSize)
                let data: Data = switch format {
                case .jpeg(let quality): try JPEGCodec.encode(tile, quality: quality)
                case .png: try PNGCodec.encode(tile)
                }
                for (directory, source) in [("tiles1", TileSourceType.fileBased), ("tiles4", .zoomDirectories),
                                            ("tiles5", .directoryBased)] {
                    let path = source.tilePath(section: z, row: row, column: column, zoom: zoom, fileExtension: ext)!
                    try writer.write(directory + "/" + path, data)
                }
            }
        }
    }

    /// Writes the blocks of planes `firstPlane…` (N5 order x, y, z; edge blocks truncated).
    private static func writeN5Blocks(planes: [PixelImage], firstPlane: Int, path: String,
                                      writer: FileTreeWriter) throws {
        guard let first = planes.first else { return }
        let (bx, by) = (n5BlockSize[0], n5BlockSize[1])
        let blockZ = firstPlane / n5BlockSize[2]
        for gy in 0..<((first.height + by - 1) / by) {
            for gx in 0..<((first.width + bx - 1) / bx) {
                let w = min(bx, first.width - gx * bx), h = min(by, first.height - gy * by)
                var bytes = [UInt8]()
                bytes.reserveCapacity(w * h * planes.count)
                for plane in planes {
                    for y in (gy * by)..<(gy * by + h) {
                        let start = y * plane.width + gx * bx
                        bytes += plane.pixels[start..<(start + w)]
                    }
                }
                let block = N5Block(shape: [w, h, planes.count], bytes: bytes)
                try writer.write("\(path)/\(gx)/\(gy)/\(blockZ)", block.encoded(compression: .gzip, level: 1))
            }
        }
    }

    static func infoJSON(width: Int, height: Int, depth: Int, resolution: StackVector, translation: StackVector,
                         maxZoom: Int, broken: Set<Int>, mirrors: [StackMirror]) -> JSONValue {
        func vector(_ v: StackVector) -> JSONValue { ["x": .double(v.x), "y": .double(v.y), "z": .double(v.z)] }
        var brokenJSON: [String: JSONValue] = [:]
        for index in broken { brokenJSON[String(index)] = 1 }
        let mirrorsJSON: [JSONValue] = mirrors.map { mirror in
            ["id": .int(Int64(mirror.id)), "title": .string(mirror.title), "image_base": .string(mirror.imageBase),
             "tile_width": .int(Int64(mirror.tileWidth)), "tile_height": .int(Int64(mirror.tileHeight)),
             "tile_source_type": .int(Int64(mirror.tileSourceType)), "file_extension": .string(mirror.fileExtension),
             "position": .int(Int64(mirror.position))]
        }
        return [
            "sid": .int(Int64(stackID)), "pid": .int(Int64(projectID)), "ptitle": "sample", "stitle": "sample EM",
            "dimension": ["x": .int(Int64(width)), "y": .int(Int64(height)), "z": .int(Int64(depth))],
            "resolution": vector(resolution), "translation": vector(translation),
            "downsample_factors": .null, "num_zoom_levels": .int(Int64(maxZoom)), "orientation": 0,
            "broken_slices": .object(brokenJSON), "mirrors": .array(mirrorsJSON),
            "placeholder_color": ["r": 0, "g": 0, "b": 0, "a": 1], "metadata": .null,
            "comment": "synthetic EM written by connectome-kernel", "description": "",
            "attribution": "connectome-kernel sample", "canary_location": ["x": 0, "y": 0, "z": 0],
        ]
    }
}

/// Writes files under a root, creating each directory once.
final class FileTreeWriter {
    let root: String
    private var created: Set<String> = []

    init(root: String) {
        self.root = root
    }

    func write(_ relativePath: String, _ data: Data) throws {
        let path = root + "/" + relativePath
        let directory = (path as NSString).deletingLastPathComponent
        if !created.contains(directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ConnectomeError.argument("cannot create directory \(directory): \(error.localizedDescription)")
            }
            created.insert(directory)
        }
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw ConnectomeError.argument("cannot write \(path)", hint: "check that the directory is writable")
        }
    }
}

extension PixelImage {
    /// Half size (rounded up) by averaging 2 × 2 blocks; edge pixels average what exists.
    public func halved() -> PixelImage {
        let w = (width + 1) / 2, h = (height + 1) / 2
        var out = [UInt8](repeating: 0, count: w * h)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for y in 0..<h {
                    let y0 = 2 * y, y1 = min(2 * y + 1, height - 1)
                    for x in 0..<w {
                        let x0 = 2 * x, x1 = min(2 * x + 1, width - 1)
                        let sum = Int(source[y0 * width + x0]) + Int(source[y0 * width + x1])
                            + Int(source[y1 * width + x0]) + Int(source[y1 * width + x1])
                        target[y * w + x] = UInt8((sum + 2) / 4)
                    }
                }
            }
        }
        return PixelImage(gray8Width: w, height: h, pixels: out)
    }

    /// The part of a gray8 image inside the rectangle (clipped at the right and bottom edges).
    public func crop(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> PixelImage {
        let w = max(0, min(cropWidth, width - x)), h = max(0, min(cropHeight, height - y))
        var out = [UInt8]()
        out.reserveCapacity(w * h)
        for row in y..<(y + h) {
            let start = row * width + x
            out += pixels[start..<(start + w)]
        }
        return PixelImage(gray8Width: w, height: h, pixels: out)
    }

    init(gray8Width width: Int, height: Int, pixels: [UInt8]) {
        self.init(width: width, height: height, format: .gray8)
        self.pixels = pixels
    }
}
