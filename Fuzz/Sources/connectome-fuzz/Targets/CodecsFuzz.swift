import Foundation
import ImageCodecs

extension FuzzTarget {
    /// Bytes straight into the image codecs, whatever their magic says: JPEG header, full, grayscale and
    /// row-range decodes; PNG decode; gzip inflation whole and as a prefix (what a plane read asks for).
    static let codecs = FuzzTarget(name: "codecs", summary: "JPEG, PNG and gzip decoders (ImageCodecs)") { data in
        if let (_, height, _) = try? JPEGCodec.dimensions(data) {
            _ = try? JPEGCodec.decode(data)
            _ = try? JPEGCodec.decode(data, grayscale: true)
            if height > 1 { _ = try? JPEGCodec.decode(data, rows: (height / 2)..<height, grayscale: true) }
        }
        _ = try? PNGCodec.decode(data)
        if Gzip.isGzip(data) {
            _ = try? Gzip.decompress(data)
            _ = try? Gzip.decompress(data, prefix: 100)
        }
    }
}
