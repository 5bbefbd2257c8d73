import ConnectomeCore
import ConnectomeSample
import CurlHTTP
import Foundation
import ImageCodecs
import TestSupport
import Testing

/// The precomputed reader over the real network path: nginx on 127.0.0.1, libcurl, HTTPStore.
/// Every section must equal what the same reader gets from the files on disk, and raw chunks must
/// arrive as range reads of just the section's bytes.
@Suite struct PrecomputedOverHTTPTests {
    static let size = [160, 144, 70]

    /// Writes a small sample (plus a gzip-stored copy of the raw layer) and serves it with nginx.
    static func withServedSample(_ body: (NginxServer, String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "cck-vol-http")
        defer { directory.remove() }
        let root = directory.path + "/www"
        try SampleDataset.write(SampleVolume(size: size, mipCount: 2), to: root + "/sample")
        try gzipCopy(of: root + "/sample/image_raw", to: root + "/sample/image_rawgz")
        let server = try NginxServer(serving: root, prefix: directory.path + "/nginx")
        defer { server.stop() }
        try await body(server, root)
    }

    /// A copy of a layer whose chunk files are stored as `name.gz` (as CloudVolume writes them).
    static func gzipCopy(of source: String, to destination: String) throws {
        let manager = FileManager.default
        try manager.copyItem(atPath: source, toPath: destination)
        guard let files = manager.enumerator(atPath: destination) else { return }
        for case let file as String in files where !file.hasSuffix("info") {
            let path = destination + "/" + file
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            try Gzip.compress(data, level: 1).write(to: URL(fileURLWithPath: path + ".gz"))
            try manager.removeItem(atPath: path)
        }
    }

    @Test(arguments: ["image", "image_raw", "image_rawgz", "segmentation"])
    func sectionsOverHTTPEqualSectionsFromFiles(layer: String) async throws {
        try await Self.withServedSample { server, root in
            let transport = CurlTransport()
            let remote = try await PrecomputedVolume.open(
                store: try HTTPStore(url: server.url + "/sample/" + layer, transport: transport), cache: nil, infoCache: nil)
            let local = try await PrecomputedVolume.open(
                store: try FileStore(directory: root + "/sample/" + layer), cache: nil, infoCache: nil)
            for (mip, z) in [(0, 37), (1, 5)] {
                let x = 10..<150, y = -8..<130  // crosses chunk edges and the volume's border
                let overHTTP = try await remote.readSection(mip: mip, x: x, y: y, z: z)
                let fromFiles = try await local.readSection(mip: mip, x: x, y: y, z: z)
                #expect(overHTTP.section == fromFiles.section, "layer \(layer) mip \(mip)")
                #expect(overHTTP.chunksMissing == 0)
                if layer == "image_raw" {
                    // Range reads: one z-plane of each chunk, not whole 64³ chunks.
                    let planeBytes = overHTTP.chunksFetched * 64 * 64
                    #expect(overHTTP.bytesFetched <= planeBytes, "fetched \(overHTTP.bytesFetched) bytes for \(overHTTP.chunksFetched) chunks")
                }
            }
        }
    }

    @Test func missingChunksOverHTTPReadAsBackground() async throws {
        try await Self.withServedSample { server, root in
            try FileManager.default.removeItem(atPath: root + "/sample/image_raw/8_8_42/0-64_0-64_0-64")
            let volume = try await PrecomputedVolume.open(
                store: try HTTPStore(url: server.url + "/sample/image_raw", transport: CurlTransport()), cache: nil, infoCache: nil)
            let read = try await volume.readSection(mip: 0, x: 0..<128, y: 0..<128, z: 10)
            #expect(read.chunksMissing == 1)
            #expect(read.section.data[0] == 0 && read.section.data[63] == 0)
            #expect(read.section.data[127] != 0 || read.section.data[64 * 128 + 64] != 0)
        }
    }
}
