import CCKZlib
import Foundation
import Testing
import ImageCodecs

@Suite struct GzipTests {
    @Test func roundTrip() throws {
        let data = Data(TestImages.em(width: 300, height: 200).pixels)
        for level in [0, 1, 6, 9] {
            let compressed = Gzip.compress(data, level: level)
            #expect(Gzip.isGzip(compressed))
            #expect(try Gzip.decompress(compressed) == data)
        }
    }

    /// What zlib (not igzip, which wrote it) inflates a gzip member to; nil if it refuses it.
    static func zlibInflate(_ data: Data, expected: Int) -> Data? {
        var stream = z_stream()
        guard inflateInit2_(&stream, MAX_WBITS + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: expected + 1)
        var input = [UInt8](data)
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, stream.avail_in == 0 else { return nil }
        return Data(output.prefix(Int(stream.total_out)))
    }

    /// igzip's fast compression (request bodies) is gzip that zlib reads back byte for byte:
    /// empty, tiny, a list of IDs, incompressible noise (which outgrows the first output guess).
    @Test func fastCompressionIsGzipZlibReads() throws {
        var state: UInt64 = 1
        let noise = Data((0..<300_000).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        })
        let ids = Data(("{\"node_ids\":[" + (0..<50_000).map { String(576_460_752_303_423_488 + $0 * 7) }.joined(separator: ",") + "]}").utf8)
        for data in [Data(), Data("x".utf8), ids, noise, Data(TestImages.em(width: 300, height: 200).pixels)] {
            let compressed = Gzip.compressFast(data)
            #expect(Gzip.isGzip(compressed))
            #expect(Self.zlibInflate(compressed, expected: data.count) == data, "\(data.count) bytes")
            #expect(try Gzip.decompress(compressed) == data)
        }
        #expect(Gzip.compressFast(ids).count < ids.count / 2)
    }

    @Test func emptyRoundTrip() throws {
        #expect(try Gzip.decompress(Gzip.compress(Data())) == Data())
    }

    @Test func decodesPythonGzip() throws {
        #expect(try Gzip.decompress(Data(IndependentVectors.gzipHello)) == Data("hello, connectome\n".utf8))
    }

    @Test func concatenatedMembersDecodeToConcatenation() throws {
        #expect(try Gzip.decompress(Data(IndependentVectors.gzipTwoMembers)) == Data("first member;second member".utf8))
        let a = Gzip.compress(Data(repeating: 7, count: 100_000))
        let b = Gzip.compress(Data("tail".utf8))
        #expect(try Gzip.decompress(a + b) == Data(repeating: 7, count: 100_000) + Data("tail".utf8))
    }

    @Test func sliceWithNonZeroStartIndex() throws {
        let padded = Data([9, 9, 9]) + Gzip.compress(Data("sliced".utf8))
        #expect(try Gzip.decompress(padded.dropFirst(3)) == Data("sliced".utf8))
    }

    @Test func truncatedAndCorruptAreToldApart() throws {
        let compressed = Gzip.compress(Data(TestImages.em(width: 128, height: 128).pixels))
        do {
            _ = try Gzip.decompress(compressed.prefix(compressed.count / 2))
            Issue.record("truncated gzip should fail")
        } catch {
            #expect(error.message.contains("truncated"))
        }
        var corrupt = compressed
        for index in 20..<60 { corrupt[index] ^= 0x5a }
        do {
            _ = try Gzip.decompress(corrupt)
            Issue.record("corrupt gzip should fail")
        } catch {
            #expect(error.message.contains("corrupt"))
        }
    }

    @Test func notGzipIsRejected() {
        #expect(!Gzip.isGzip(Data("plain".utf8)))
        #expect(throws: CodecError.self) { try Gzip.decompress(Data("plain".utf8)) }
        #expect(throws: CodecError.self) { try Gzip.decompress(Data()) }
    }

    @Test func trailingGarbageIsAnError() {
        let data = Gzip.compress(Data("x".utf8)) + Data("junk".utf8)
        #expect(throws: CodecError.self) { try Gzip.decompress(data) }
    }

    @Test func aWrongCRCIsCorruptNotTruncated() {
        var data = Gzip.compress(Data(TestImages.em(width: 64, height: 64).pixels))
        data[data.count - 8] ^= 0xFF  // the trailer's CRC-32
        do {
            _ = try Gzip.decompress(data)
            Issue.record("a wrong CRC-32 should fail")
        } catch {
            #expect(error.message.contains("corrupt") && error.message.contains("CRC-32"))
        }
    }

    @Test func aPrefixReachesIntoTheSecondMember() throws {
        let first = Data(repeating: 1, count: 70_000), second = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let both = Gzip.compress(first) + Gzip.compress(second)
        #expect(try Gzip.decompress(both, prefix: 100_000) == (first + second).prefix(100_000))
        #expect(try Gzip.decompress(both, prefix: 500_000) == first + second)
        #expect(try Gzip.decompress(both, prefix: 0) == Data())
    }
}
