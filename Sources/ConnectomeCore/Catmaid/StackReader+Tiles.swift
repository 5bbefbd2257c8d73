import Foundation
import ImageCodecs

/// Tile sources 1, 4 and 5: one image file per tile, addressed by section, zoom, row and column.
extension StackReader {
    func readTiles(source: TileSourceType, mirror: StackMirror, zoom: Int, level: StackExtent,
                   inside: StackPlaneRegion, section: Int, into canvas: inout Canvas) async throws -> (total: Int, fetched: Int) {
        let tileWidth = mirror.tileWidth, tileHeight = mirror.tileHeight
        guard (1...DataLimits.maxTileSide).contains(tileWidth), (1...DataLimits.maxTileSide).contains(tileHeight) else {
            throw ConnectomeError.outOfRange("mirror \(mirror.id) '\(mirror.title)'", field: "tile_width × tile_height",
                                             value: "\(tileWidth) × \(tileHeight)",
                                             allowed: "1 to \(DataLimits.maxTileSide) pixels on a side",
                                             hint: "the stack info gives an impossible tile size; check the mirror in CATMAID")
        }
        let (storeURL, keyPrefix) = Self.splitImageBase(mirror.imageBase)
        let extensionParts = mirror.urlExtension.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let pathExtension = String(extensionParts[0])
        let query = extensionParts.count > 1 ? String(extensionParts[1]) : nil
        // A `?query` in the extension (`jpg?v=2`) goes into every tile URL through the store itself.
        let store = try opener.store(url: storeURL, authorization: credentials.mirrors[mirror.id]?.authorization,
                                     query: query)

        let columns = (inside.x.lowerBound / tileWidth)...((inside.x.upperBound - 1) / tileWidth)
        let rows = (inside.y.lowerBound / tileHeight)...((inside.y.upperBound - 1) / tileHeight)
        try Self.checkFetchCount(columns.count, rows.count, of: "tiles of \(tileWidth) × \(tileHeight) pixels",
                                 region: inside, source: "mirror \(mirror.id) '\(mirror.title)'")
        let tiles = rows.flatMap { row in columns.map { column in (row: row, column: column) } }
        let keys = tiles.map { tile in
            keyPrefix + source.tilePath(section: section, row: tile.row, column: tile.column, zoom: zoom,
                                        fileExtension: pathExtension)!
        }
        let contents = try await fetch(keys, from: store, mirror: mirror)
        let format = mirror.imageFormatExtension

        let decoded = try await WorkerPool.withChildTasks {
            try await withThrowingTaskGroup(of: (Int, GrayTile).self) { group in
                for (index, data) in contents.enumerated() {
                    guard let data else { continue }
                    let tile = tiles[index]
                    let top = tile.row * tileHeight
                    let neededRows = (max(inside.y.lowerBound, top) - top)..<(min(inside.y.upperBound, top + tileHeight) - top)
                    let url = mirror.imageBase + keys[index].dropFirst(keyPrefix.count)
                    group.addTask {
                        (index, try GrayTile.decode(data, format: format, rows: neededRows, source: url,
                                                    tileWidth: tileWidth, tileHeight: tileHeight))
                    }
                }
                var results: [(Int, GrayTile)] = []
                for try await result in group { results.append(result) }
                return results
            }
        }
        for (index, tile) in decoded {
            let origin = (x: tiles[index].column * tileWidth, y: tiles[index].row * tileHeight + tile.firstRow)
            canvas.paste(tile.image, at: origin,
                         clip: StackPlaneRegion(x: inside.x, y: inside.y.clamped(to: (tiles[index].row * tileHeight)..<((tiles[index].row + 1) * tileHeight))),
                         maxWidth: tileWidth)
        }
        return (tiles.count, decoded.count)
    }

    /// The store URL and key prefix of an image base: CATMAID concatenates paths to the base as
    /// text, so a base without a trailing slash ends in a file-name prefix.
    static func splitImageBase(_ imageBase: String) -> (storeURL: String, keyPrefix: String) {
        guard let slash = imageBase.lastIndex(of: "/") else { return (imageBase, "") }
        return (String(imageBase[..<slash]), String(imageBase[imageBase.index(after: slash)...]))
    }
}

/// A decoded tile as gray8, possibly only some of its rows (`firstRow` is the first row kept).
struct GrayTile: Sendable {
    var image: PixelImage
    var firstRow: Int

    /// Decodes a JPEG (only the rows needed) or PNG tile; colour tiles become grey (Rec. 601 luma).
    ///
    /// The header is checked first: a tile larger than the mirror's tile size is refused before
    /// it is decoded (edge tiles may be smaller).
    static func decode(_ data: Data, format: String, rows: Range<Int>, source: String,
                       tileWidth: Int = DataLimits.maxTileSide,
                       tileHeight: Int = DataLimits.maxTileSide) throws(ConnectomeError) -> GrayTile {
        let kind: String
        switch format {
        case "jpg", "jpeg": kind = "jpeg"
        case "png": kind = "png"
        default:
            if data.starts(with: [0xFF, 0xD8]) { kind = "jpeg" }
            else if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { kind = "png" }
            else {
                throw ConnectomeError.unsupported("tile \(source) has extension '\(format)', which the kernel does not decode",
                                                  hint: "CATMAID tiles must be JPEG or PNG")
            }
        }
        func undecodable(_ error: CodecError) -> ConnectomeError {
            ConnectomeError.data("tile \(source) (\(data.count) bytes) cannot be decoded as \(kind): \(error.message)",
                                 hint: "the tile may be truncated or not an image; check it in a browser")
        }
        let size: (width: Int, height: Int)
        do {
            if kind == "jpeg" {
                let header = try JPEGCodec.dimensions(data)
                size = (header.width, header.height)
            } else {
                let header = try PNGCodec.header(data)
                size = (header.width, header.height)
            }
        } catch {
            throw undecodable(error)
        }
        guard size.width <= tileWidth, size.height <= tileHeight else {
            throw ConnectomeError.outOfRange("tile \(source)", field: "the \(kind) header's size", value: "\(size.width) × \(size.height)",
                                             allowed: "at most the mirror's tile size \(tileWidth) × \(tileHeight)",
                                             hint: "the tile is damaged or the mirror's tile size is wrong")
        }
        do {
            if kind == "jpeg" {
                let wanted = rows.clamped(to: 0..<size.height)
                guard !wanted.isEmpty else { return GrayTile(image: PixelImage(width: 0, height: 0, format: .gray8), firstRow: 0) }
                return GrayTile(image: try JPEGCodec.decode(data, rows: wanted, grayscale: true), firstRow: wanted.lowerBound)
            }
            return GrayTile(image: try PNGCodec.decode(data).toGray8(), firstRow: 0)
        } catch {
            throw undecodable(error)
        }
    }
}

extension PixelImage {
    /// The image as gray8: gray16 keeps its high byte, colour becomes Rec. 601 luma (alpha ignored).
    public func toGray8() throws(CodecError) -> PixelImage {
        if format == .gray8 { return self }
        let count = width * height
        var gray = [UInt8](repeating: 0, count: count)
        pixels.withUnsafeBufferPointer { source in
            gray.withUnsafeMutableBufferPointer { target in
                switch format {
                case .gray8:
                    break
                case .gray16:
                    for i in 0..<count { target[i] = source[2 * i + 1] }
                case .rgb8, .rgba8:
                    let step = format.bytesPerPixel
                    for i in 0..<count {
                        let p = i * step
                        let luma = 299 * Int(source[p]) + 587 * Int(source[p + 1]) + 114 * Int(source[p + 2])
                        target[i] = UInt8((luma + 500) / 1000)
                    }
                }
            }
        }
        return try PixelImage(width: width, height: height, format: .gray8, pixels: gray)
    }
}

extension Canvas {
    /// Copies `image` (gray8) whose top-left pixel sits at stack voxel `origin`, keeping only what
    /// falls inside `clip` and the first `maxWidth` columns.
    mutating func paste(_ image: PixelImage, at origin: (x: Int, y: Int), clip: StackPlaneRegion, maxWidth: Int) {
        let xs = max(clip.x.lowerBound, origin.x)..<min(clip.x.upperBound, origin.x + min(image.width, maxWidth))
        let ys = max(clip.y.lowerBound, origin.y)..<min(clip.y.upperBound, origin.y + image.height)
        guard !xs.isEmpty, !ys.isEmpty else { return }
        let width = region.width
        let regionX = region.x.lowerBound, regionY = region.y.lowerBound
        image.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for y in ys {
                    let from = (y - origin.y) * image.width + (xs.lowerBound - origin.x)
                    let to = (y - regionY) * width + (xs.lowerBound - regionX)
                    UnsafeMutableRawPointer(target.baseAddress! + to)
                        .copyMemory(from: source.baseAddress! + from, byteCount: xs.count)
                }
            }
        }
    }
}
