import Foundation
import Testing
@testable import ConnectomeCore

@Suite struct CodecVectorTests {
    @Test func murmurhash3MatchesTheReferenceImplementation() {
        for (bytes, low, high) in PeerVectors.murmur {
            let (h1, h2, h3, h4) = MurmurHash3.x86_128(bytes)
            #expect(UInt64(h1) | UInt64(h2) << 32 == low, "bytes \(bytes)")
            #expect(UInt64(h3) | UInt64(h4) << 32 == high, "bytes \(bytes)")
        }
        let eight = PeerVectors.murmur.filter { $0.0.count == 8 }
        #expect(!eight.isEmpty)
        for (bytes, low, _) in eight {
            let value = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
            #expect(MurmurHash3.x86_128Low64(value) == low)
        }
    }

    @Test func compressedSegmentationDecodesThePeerEncoder() throws {
        for (typeName, chunk, block, encoded, expected) in PeerVectors.compressedSegmentation {
            let dataType = VoxelDataType(rawValue: typeName)!
            let data = Data(base64Encoded: encoded)!
            let values = [UInt8](Data(base64Encoded: expected)!)
            let decoded = try CompressedSegmentation.decode(data, chunkSize: chunk, blockSize: block, dataType: dataType)
            #expect(decoded == values, "\(typeName) \(chunk) block \(block)")
            // Every plane decoded alone equals that plane of the full decode.
            let planeBytes = chunk[0] * chunk[1] * dataType.itemSize
            for z in 0..<chunk[2] {
                let plane = try CompressedSegmentation.decodePlane(data, chunkSize: chunk, blockSize: block,
                                                                   dataType: dataType, z: z)
                #expect(plane == Array(values[(z * planeBytes)..<((z + 1) * planeBytes)]), "plane \(z)")
            }
        }
    }

    @Test func compressedSegmentationEncoderRoundTrips() throws {
        for (typeName, chunk, block, _, expected) in PeerVectors.compressedSegmentation where typeName == "uint64" {
            let bytes = Data(base64Encoded: expected)!
            let values = bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
            let encoded = values.withUnsafeBufferPointer {
                CompressedSegmentation.encode($0, chunkSize: chunk, blockSize: block)
            }
            let decoded = try CompressedSegmentation.decode(Data(encoded), chunkSize: chunk, blockSize: block, dataType: .uint64)
            #expect(decoded == [UInt8](bytes))
        }
    }

    @Test func corruptCompressedSegmentationIsADataError() throws {
        let (_, chunk, block, encoded, _) = PeerVectors.compressedSegmentation[1]
        let data = Data(base64Encoded: encoded)!
        let error = #expect(throws: ConnectomeError.self) {
            try CompressedSegmentation.decode(data.prefix(40), chunkSize: chunk, blockSize: block, dataType: .uint64)
        }
        #expect(error?.kind == .data)
        var broken = data
        broken[4 + 3] = 0x07  // block 0 header: 7 encoded bits
        #expect(throws: ConnectomeError.self) {
            try CompressedSegmentation.decode(broken, chunkSize: chunk, blockSize: block, dataType: .uint64)
        }
    }
}
