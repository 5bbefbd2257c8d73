import ImageCodecs

/// Deterministic EM-like test images (smooth texture plus pseudo-random noise).
enum TestImages {
    static func em(width: Int, height: Int, seed: UInt64 = 1) -> PixelImage {
        var state = seed
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Int(state >> 59)  // 0 … 31
                let base = 100 + (x * 3 + y * 5) % 64 + ((x / 7 + y / 5) % 3) * 20
                pixels[y * width + x] = UInt8(clamping: base + noise)
            }
        }
        return try! PixelImage(width: width, height: height, format: .gray8, pixels: pixels)
    }

    static func pattern(width: Int, height: Int, format: PixelFormat) -> PixelImage {
        let count = width * height * format.bytesPerPixel
        let pixels = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 5) }
        return try! PixelImage(width: width, height: height, format: format, pixels: pixels)
    }
}
