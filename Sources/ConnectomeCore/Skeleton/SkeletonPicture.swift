import Foundation
import ImageCodecs

/// A skeleton drawn as its XY projection (x right, y down, as neuroglancer's XY view), root marked.
///
/// Lines are antialiased by coverage: each pixel takes the largest coverage of any parent link
/// near it (distance to the segment against a line of `lineWidth` px), so joints do not darken;
/// the colour is composited once at the end. The picture fits `maxSize` pixels on its longer side,
/// keeps the aspect ratio, and carries a scale bar of a round length (1, 2 or 5 × 10ⁿ nm).
public struct SkeletonPicture: Sendable {
    public enum Background: String, Sendable { case white, dark }

    public struct Options: Sendable {
        public var maxSize = 512
        public var margin = 16
        public var background = Background.white
        /// nil: the segment's display colour (darkened on white).
        public var lineColor: RGBColor?
        public var lineWidth = 1.6
        public var scaleBar = true

        public init(maxSize: Int = 512, background: Background = .white, lineColor: RGBColor? = nil, scaleBar: Bool = true) {
            self.maxSize = maxSize
            self.background = background
            self.lineColor = lineColor
            self.scaleBar = scaleBar
        }
    }

    public var image: PixelImage
    /// Nanometres per pixel of the projection.
    public var nanometresPerPixel: Double
    /// The length the scale bar stands for, when one was drawn.
    public var scaleBarNanometres: Double?

    /// The scale bar's length as text ("2 µm", "500 nm"), for a caption.
    public var scaleBarLabel: String? {
        scaleBarNanometres.map { $0 >= 1000 ? "\(SkeletonSummary.number($0 / 1000)) µm" : "\(SkeletonSummary.number($0)) nm" }
    }

    public init(_ skeleton: Skeleton, options: Options = Options()) {
        let side = max(64, min(options.maxSize, 4096))
        let margin = Double(min(options.margin, side / 4))
        let bounds = skeleton.bounds ?? (Point3(0, 0, 0), Point3(0, 0, 0))
        let spanX = bounds.max.x - bounds.min.x, spanY = bounds.max.y - bounds.min.y
        let span = max(spanX, spanY, 1000)  // a lone node or a short stub is drawn at most ~1 µm across
        let scale = (Double(side) - 2 * margin) / span  // px per nm
        let width = max(64, Int((spanX * scale + 2 * margin).rounded(.up)))
        let height = max(64, Int((spanY * scale + 2 * margin).rounded(.up)))
        // Centre the drawing when the canvas is wider than the skeleton (thin or tiny skeletons).
        let offsetX = (Double(width) - spanX * scale) / 2, offsetY = (Double(height) - spanY * scale) / 2
        func px(_ index: Int) -> (Double, Double) {
            ((Double(skeleton.x[index]) - bounds.min.x) * scale + offsetX, (Double(skeleton.y[index]) - bounds.min.y) * scale + offsetY)
        }

        var coverage = [Float](repeating: 0, count: width * height)
        let halfWidth = options.lineWidth / 2
        coverage.withUnsafeMutableBufferPointer { coverage in
            skeleton.parents.withUnsafeBufferPointer { parents in
                for child in 0..<parents.count where parents[child] >= 0 {
                    Self.stroke(coverage, width: width, height: height, from: px(child), to: px(parents[child]), halfWidth: halfWidth)
                }
            }
        }
        let background: (Double, Double, Double) = options.background == .white ? (255, 255, 255) : (24, 24, 28)
        let line: (Double, Double, Double) = {
            if let chosen = options.lineColor { return (Double(chosen.red), Double(chosen.green), Double(chosen.blue)) }
            let base = (skeleton.segmentID ?? SegmentID(0)).displayColor
            let factor = options.background == .white ? 0.72 : 1
            return (Double(base.red) * factor, Double(base.green) * factor, Double(base.blue) * factor)
        }()
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { pixels in
            coverage.withUnsafeBufferPointer { coverage in
                for index in 0..<coverage.count {
                    let c = Double(coverage[index])
                    pixels[3 * index] = Self.channel(background.0 + (line.0 - background.0) * c)
                    pixels[3 * index + 1] = Self.channel(background.1 + (line.1 - background.1) * c)
                    pixels[3 * index + 2] = Self.channel(background.2 + (line.2 - background.2) * c)
                }
            }
        }
        var image = PixelImage(width: width, height: height, format: .rgb8)
        image.pixels = pixels

        // The root(s): a red disc with a ring of the background colour, sized by the radius when known.
        for root in skeleton.roots {
            let (cx, cy) = px(root)
            let radius = min(12, max(4.5, Double(skeleton.radius?[root] ?? 0) * scale))
            Self.disc(&image, center: (cx, cy), radius: radius + 1.5, color: background)
            Self.disc(&image, center: (cx, cy), radius: radius, color: (214, 39, 40))
        }

        var bar: Double?
        if options.scaleBar {
            let target = (Double(width) - 2 * margin) / scale * 0.2  // a fifth of the drawing's width, in nm
            let magnitude = pow(10, floor(log10(max(target, 1))))
            let length = [5.0, 2, 1].map { $0 * magnitude }.first { $0 <= target } ?? magnitude
            let pixelsLong = length * scale
            if pixelsLong >= 8 {
                bar = length
                let color: (Double, Double, Double) = options.background == .white ? (60, 60, 60) : (220, 220, 220)
                let y0 = Double(height) - margin / 2 - 2, x0 = margin / 2
                for y in Int(y0)..<min(height, Int(y0) + 3) {
                    for x in Int(x0)..<min(width, Int((x0 + pixelsLong).rounded())) { Self.blend(&image, x, y, color, 1) }
                }
            }
        }
        self.image = image
        self.nanometresPerPixel = 1 / scale
        self.scaleBarNanometres = bar
    }

    /// Raises `coverage` along the segment a→b: each pixel whose centre is within `halfWidth + 0.5`
    /// of the segment takes the larger of its coverage and `halfWidth + 0.5 − distance` (clamped to
    /// 0…1). Row by row, only the columns near the part of the segment within that reach of the row
    /// are looked at, and the update is a max without a branch (pixels farther away get 0, which
    /// changes nothing), so the few pixels around a short link cost no mispredicted guesses.
    private static func stroke(_ coverage: UnsafeMutableBufferPointer<Float>, width: Int, height: Int,
                               from a: (Double, Double), to b: (Double, Double), halfWidth: Double) {
        let dx = b.0 - a.0, dy = b.1 - a.1
        let lengthSquared = dx * dx + dy * dy
        let edge = halfWidth + 0.5
        // A link of length 0 projects every pixel onto its one point (the numerator is 0 too).
        let divisor = lengthSquared > 0 ? lengthSquared : 1
        // Rows whose pixel centres (y + 0.5) are within `edge` of the segment's y range.
        let firstRow = max(0, Int((min(a.1, b.1) - edge - 0.5).rounded(.down)))
        let lastRow = min(height - 1, Int((max(a.1, b.1) + edge - 0.5).rounded(.up)))
        guard firstRow <= lastRow else { return }
        for y in firstRow...lastRow {
            let py = Double(y) + 0.5
            // The part of the segment within `edge` of this row's centre, widened by `edge`.
            var t0 = 0.0, t1 = 1.0
            if dy != 0 {
                let u = (py - edge - a.1) / dy, v = (py + edge - a.1) / dy
                t0 = max(0, min(u, v))
                t1 = min(1, max(u, v))
                if t0 > t1 { continue }
            }
            let xa = a.0 + t0 * dx, xb = a.0 + t1 * dx
            let firstColumn = max(0, Int((min(xa, xb) - edge - 0.5).rounded(.down)))
            let lastColumn = min(width - 1, Int((max(xa, xb) + edge - 0.5).rounded(.up)))
            if firstColumn > lastColumn { continue }
            let row = y * width
            for x in firstColumn...lastColumn {
                let px = Double(x) + 0.5
                let s = min(max(((px - a.0) * dx + (py - a.1) * dy) / divisor, 0), 1)
                let ex = px - (a.0 + s * dx), ey = py - (a.1 + s * dy)
                let value = Float(min(max(edge - (ex * ex + ey * ey).squareRoot(), 0), 1))
                coverage[row + x] = max(coverage[row + x], value)
            }
        }
    }

    /// `UInt8(value.rounded())` for a value in 0…255 (half away from zero), without a call into libm.
    @inline(__always) private static func channel(_ value: Double) -> UInt8 {
        let whole = UInt8(value)  // truncation: the floor of a value ≥ 0
        return value - Double(whole) >= 0.5 ? whole + 1 : whole
    }

    private static func disc(_ image: inout PixelImage, center: (Double, Double), radius: Double, color: (Double, Double, Double)) {
        for y in Int(center.1 - radius - 1)...Int(center.1 + radius + 1) {
            for x in Int(center.0 - radius - 1)...Int(center.0 + radius + 1) {
                let dx = Double(x) + 0.5 - center.0, dy = Double(y) + 0.5 - center.1
                let alpha = min(max(radius + 0.5 - (dx * dx + dy * dy).squareRoot(), 0), 1)
                if alpha > 0 { blend(&image, x, y, color, alpha) }
            }
        }
    }

    private static func blend(_ image: inout PixelImage, _ x: Int, _ y: Int, _ color: (Double, Double, Double), _ alpha: Double) {
        guard x >= 0, x < image.width, y >= 0, y < image.height else { return }
        let i = 3 * (y * image.width + x)
        for (channel, value) in [color.0, color.1, color.2].enumerated() {
            let old = Double(image.pixels[i + channel])
            image.pixels[i + channel] = UInt8((old + (value - old) * alpha).rounded())
        }
    }
}
