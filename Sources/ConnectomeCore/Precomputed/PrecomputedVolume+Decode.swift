import Foundation
import ImageCodecs

/// Decoding one z-plane out of a chunk's stored bytes, per encoding.
extension PrecomputedVolume {
    func decodePlane(_ data: Data, _ request: PlaneRequest, _ context: ScaleContext, source: String? = nil) throws -> [UInt8] {
        let box = context.grid.box(request.chunk)
        let zLocal = request.z - box.z.lowerBound
        let name = "\(url)/\(source ?? key(context.scale, context.grid.name(request.chunk)))"
        let planePixels = box.width * box.height
        let pixelBytes = context.pixelBytes
        switch context.scale.encoding {
        case .raw:
            let itemSize = context.dataType.itemSize
            guard data.count == box.voxelCount * pixelBytes else {
                throw sizeMismatch(name, box, context, got: data.count, expected: box.voxelCount * pixelBytes)
            }
            return data.withUnsafeBytes { raw in
                if context.channels == 1 {
                    let start = zLocal * planePixels * itemSize
                    return [UInt8](raw[start..<(start + planePixels * itemSize)])
                }
                var plane = [UInt8](repeating: 0, count: planePixels * pixelBytes)
                plane.withUnsafeMutableBytes { out in
                    for channel in 0..<context.channels {
                        let base = (channel * box.voxelCount + zLocal * planePixels) * itemSize
                        for pixel in 0..<planePixels {
                            let target = (pixel * context.channels + channel) * itemSize
                            for byte in 0..<itemSize { out[target + byte] = raw[base + pixel * itemSize + byte] }
                        }
                    }
                }
                return plane
            }
        case .jpeg:
            do {
                // The header is checked against the chunk box before a pixel is decoded.
                let (width, height, components) = try JPEGCodec.dimensions(data)
                try checkHeader(name, "jpeg", box, context, width: width, height: height,
                                channelsMatch: context.channels == 1 || components == context.channels,
                                channels: components)
                let grayscale = context.channels == 1
                if width == box.width {
                    let rows = (zLocal * box.height)..<((zLocal + 1) * box.height)
                    let image = try JPEGCodec.decode(data, rows: rows, grayscale: grayscale)
                    try checkFormat(image, context, name)
                    return image.pixels
                }
                // Another 2-D layout of the same F-order voxels: decode all, take the plane's run.
                let image = try JPEGCodec.decode(data, grayscale: grayscale)
                try checkFormat(image, context, name)
                let start = zLocal * planePixels * pixelBytes
                return Array(image.pixels[start..<(start + planePixels * pixelBytes)])
            } catch let error as CodecError {
                throw ConnectomeError.data("jpeg chunk \(name) cannot be decoded: \(error.message)",
                                           hint: "The chunk file is damaged or not a JPEG")
            }
        case .png:
            let image: PixelImage
            do {
                // The header is checked against the chunk box before a pixel is decoded.
                let header = try PNGCodec.header(data)
                try checkHeader(name, "png", box, context, width: header.width, height: header.height,
                                channelsMatch: expectedFormats(context).contains(header.format),
                                channels: header.format.channels)
                image = try PNGCodec.decode(data)
            } catch let error as CodecError {
                throw ConnectomeError.data("png chunk \(name) cannot be decoded: \(error.message)",
                                           hint: "The chunk file is damaged or not a PNG")
            }
            let start = zLocal * planePixels * pixelBytes
            return Array(image.pixels[start..<(start + planePixels * pixelBytes)])
        case .compressedSegmentation:
            return try CompressedSegmentation.decodePlane(
                data, chunkSize: [box.width, box.height, box.depth],
                blockSize: context.scale.compressedSegmentationBlockSize ?? [8, 8, 8],
                dataType: context.dataType, channels: context.channels, z: zLocal)
        case .unsupported(let encoding):
            throw ConnectomeError.unsupported("\(name) uses the \"\(encoding)\" encoding, which this kernel does not decode")
        }
    }

    /// The pixel formats a png or jpeg chunk of this scale may decode to.
    private func expectedFormats(_ context: ScaleContext) -> [PixelFormat] {
        switch (context.dataType, context.channels) {
        case (.uint8, 1): [.gray8]
        case (.uint8, 3): [.rgb8]
        case (.uint8, 4): [.rgba8]
        case (.uint16, 1): [.gray16]
        default: []
        }
    }

    /// An image chunk's header against its box: `width × height` pixels must be the box's voxels
    /// (the z-planes stacked, or another 2-D layout of them), with the volume's channels.
    private func checkHeader(_ name: String, _ encoding: String, _ box: ChunkBox, _ context: ScaleContext,
                             width: Int, height: Int, channelsMatch: Bool, channels: Int) throws {
        guard let pixels = Checked.multiply(width, height), pixels == box.voxelCount else {
            throw ConnectomeError.data(
                "\(encoding) chunk \(name): its header says \(width) × \(height) pixels, but the \(box.width) × \(box.height) × \(box.depth) chunk holds \(box.voxelCount) voxels (a \(box.width) × \(box.height * box.depth) image)",
                hint: "The chunk file is damaged or the info's chunk size does not match it")
        }
        guard channelsMatch else {
            throw ConnectomeError.data(
                "\(encoding) chunk \(name): its header says \(channels) channel(s), but the volume is \(context.dataType.rawValue) with \(context.channels) channel(s)",
                hint: "The chunk does not match the volume's info")
        }
    }

    private func checkFormat(_ image: PixelImage, _ context: ScaleContext, _ name: String) throws {
        guard expectedFormats(context).contains(image.format) else {
            throw ConnectomeError.data(
                "chunk \(name) decodes to \(image.format) pixels, but the volume is \(context.dataType.rawValue) with \(context.channels) channel(s)",
                hint: "The chunk does not match the volume's info")
        }
    }

    private func sizeMismatch(_ name: String, _ box: ChunkBox, _ context: ScaleContext, got: Int, expected: Int,
                              unit: String = "bytes") -> ConnectomeError {
        ConnectomeError.data(
            "chunk \(name) holds \(got) \(unit); a \(box.width) × \(box.height) × \(box.depth) chunk of \(context.channels) × \(context.dataType.rawValue) needs \(expected)",
            hint: "The chunk file is damaged or the info's chunk size does not match it")
    }
}
