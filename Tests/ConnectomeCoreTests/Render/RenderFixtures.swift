@testable import ConnectomeCore

/// Small sections for renderer tests, built from typed values.
enum RenderFixture {
    static func section<T: FixedWidthInteger>(_ values: [T], width: Int, type: VoxelDataType, channels: Int = 1) -> VoxelSection {
        var bytes: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        let height = values.count / (width * channels)
        return VoxelSection(x: 0..<width, y: 0..<height, z: 0, dataType: type, channels: channels, data: bytes)
    }

    static func floats(_ values: [Float], width: Int) -> VoxelSection {
        section(values.map(\.bitPattern), width: width, type: .float32)
    }

    static func ids(_ values: [UInt64], width: Int) -> VoxelSection {
        section(values, width: width, type: .uint64)
    }

    /// The RGB triple at pixel `index` of an rgb8 image.
    static func rgb(_ pixels: [UInt8], _ index: Int) -> [UInt8] {
        Array(pixels[(3 * index)..<(3 * index + 3)])
    }

    static func bytes(_ color: RGBColor) -> [UInt8] { [color.red, color.green, color.blue] }
}
