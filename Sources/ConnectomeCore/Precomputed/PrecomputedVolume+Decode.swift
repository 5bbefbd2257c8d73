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
                let (width, height, _) = try JPEGCodec.dimensions(data)
                guard width * height == box.voxelCount else {
                    throw sizeMismatch(name, box, context, got: width * height, expected: box.voxelCount, unit: "pixels")
                }
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
                image = try PNGCodec.decode(data)
            } catch {
                throw ConnectomeError.data("png chunk \(name) cannot be decoded: \(error.message)",
                                           hint: "The chunk file is damaged or not a PNG")
            }
            guard image.width * image.height == box.voxelCount else {
                throw sizeMismatch(name, box, context, got: image.width * image.height, expected: box.voxelCount, unit: "pixels")
            }
            try checkFormat(image, context, name)
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

    private func checkFormat(_ image: PixelImage, _ context: ScaleContext, _ name: String) throws {
        let expected: [PixelFormat] = switch (context.dataType, context.channels) {
        case (.uint8, 1): [.gray8]
        case (.uint8, 3): [.rgb8]
        case (.uint8, 4): [.rgba8]
        case (.uint16, 1): [.gray16]
        default: []
        }
        guard expected.contains(image.format) else {
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
