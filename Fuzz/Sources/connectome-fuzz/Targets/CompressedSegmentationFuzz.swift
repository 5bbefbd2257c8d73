import ConnectomeCore
import Foundation

extension FuzzTarget {
    /// Four bytes of parameters, then a `compressed_segmentation` chunk decoded whole and by plane.
    ///
    /// Byte 0: data type (even uint32, odd uint64) and channels (bits 1–2: 1 to 4). Bytes 1–3: the chunk's
    /// x, y, z size (1 to 32, so partial blocks occur) with the block size fixed at 8 × 8 × 8 or, when the
    /// top bit of byte 3 is set, taken as 1 + (byte 1 ÷ 32) etc. (blocks of 1 to 8 along each axis).
    static let compressedSegmentation = FuzzTarget(name: "compressed-segmentation", summary: "compressed_segmentation chunk decoding") { data in
        var reader = ByteReader(data)
        let b0 = reader.byte(), b1 = reader.byte(), b2 = reader.byte(), b3 = reader.byte()
        let dataType: VoxelDataType = b0 & 1 == 0 ? .uint32 : .uint64
        let channels = 1 + Int((b0 >> 1) & 3)
        let chunkSize = [1 + Int(b1 & 31), 1 + Int(b2 & 31), 1 + Int(b3 & 31)]
        let blockSize = b3 & 0x80 == 0 ? [8, 8, 8] : [1 + Int(b1 >> 5), 1 + Int(b2 >> 5), 1 + Int((b3 >> 5) & 3)]
        let chunk = reader.rest
        do {
            _ = try CompressedSegmentation.decode(chunk, chunkSize: chunkSize, blockSize: blockSize, dataType: dataType,
                                                  channels: channels)
        } catch {
            expectConnectomeError(error, "compressed-segmentation decode")
        }
        for z in Set([0, chunkSize[2] - 1]) {
            do {
                _ = try CompressedSegmentation.decodePlane(chunk, chunkSize: chunkSize, blockSize: blockSize,
                                                           dataType: dataType, channels: channels, z: z)
            } catch {
                expectConnectomeError(error, "compressed-segmentation decodePlane")
            }
        }
    }
}
