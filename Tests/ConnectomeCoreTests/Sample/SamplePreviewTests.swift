import Foundation
import ImageCodecs
import Testing
@testable import ConnectomeCore

/// Writes PNGs of sample sections for a person to look at, when `CK_SAMPLE_PREVIEW` names a directory.
@Test func samplePreviewWhenAsked() throws {
    guard let directory = ProcessInfo.processInfo.environment["CK_SAMPLE_PREVIEW"] else { return }
    let volume = SampleVolume(size: [512, 512, 24], mipCount: 2)
    for z in [0, 12] {
        let offset = z * 512 * 512
        let pixels = Array(volume.images[0][offset..<(offset + 512 * 512)])
        let png = try PNGCodec.encode(PixelImage(width: 512, height: 512, format: .gray8, pixels: pixels))
        try png.write(to: URL(fileURLWithPath: "\(directory)/sample_z\(z).png"))
        // The labels as false colour, to check that cells and membranes line up.
        var rgb = [UInt8](repeating: 0, count: 512 * 512 * 3)
        for i in 0..<(512 * 512) {
            let h = SampleHash.mix(UInt64(volume.cells[0][offset + i]))
            rgb[3 * i] = UInt8(truncatingIfNeeded: h); rgb[3 * i + 1] = UInt8(truncatingIfNeeded: h >> 8)
            rgb[3 * i + 2] = UInt8(truncatingIfNeeded: h >> 16)
        }
        try PNGCodec.encode(PixelImage(width: 512, height: 512, format: .rgb8, pixels: rgb))
            .write(to: URL(fileURLWithPath: "\(directory)/labels_z\(z).png"))
    }
}

/// Writes the full default sample into `CK_SAMPLE_FULL` and prints how long it took (run in release).
@Test func fullSampleWhenAsked() throws {
    guard let directory = ProcessInfo.processInfo.environment["CK_SAMPLE_FULL"] else { return }
    let clock = ContinuousClock()
    var volume: SampleVolume?
    let generate = clock.measure { volume = SampleVolume() }
    var summary: SampleDataset.Summary?
    let write = try clock.measure { summary = try SampleDataset.write(volume!, to: directory) }
    print("sample: generate \(generate), encode+write \(write), \(summary!.files) files, \(summary!.bytes) bytes, \(summary!.segments) cells")
    let z = 37
    let offset = z * 1024 * 1024
    let png = try PNGCodec.encode(PixelImage(width: 1024, height: 1024, format: .gray8,
                                             pixels: Array(volume!.images[0][offset..<(offset + 1024 * 1024)])))
    try png.write(to: URL(fileURLWithPath: directory + "/preview_z37.png"))
}
