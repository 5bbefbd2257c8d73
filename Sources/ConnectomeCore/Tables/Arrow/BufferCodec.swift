internal import CCKLz4
internal import CCKZstd

/// Arrow IPC's buffer compressions (`BodyCompression`): LZ4 frames and ZSTD, each buffer on its own.
enum BufferCodec: Sendable, Equatable, CustomStringConvertible {
    case lz4Frame
    case zstd

    var description: String { self == .lz4Frame ? "LZ4_FRAME" : "ZSTD" }

    /// Decompresses `input` into exactly `length` bytes; any other size is an error.
    func decompress(_ input: UnsafeRawBufferPointer, length: Int) throws(ArrowError) -> [UInt8] {
        var failure: ArrowError?
        // Not zero-filled: the codec writes every byte, and a short result is an error.
        let output = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            do throws(ArrowError) {
                try decompress(input, into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                failure = error
            }
            initialized = length
        }
        if let failure { throw failure }
        return output
    }

    /// Decompresses `input` into all of `target`, which must be exactly its decompressed size: a
    /// column's rows of a table-wide array, so the values are written once, where they stay.
    func decompress(_ input: UnsafeRawBufferPointer, into target: UnsafeMutableRawBufferPointer) throws(ArrowError) {
        let produced: Int
        switch self {
        case .zstd: produced = try Self.zstdDecompress(input, into: target)
        case .lz4Frame: produced = try Self.lz4Decompress(input, into: target)
        }
        guard produced == target.count else {
            throw ArrowError("a \(self) buffer decompressed to \(produced) bytes, but its header says \(target.count)")
        }
    }

    /// Compresses `input` (for the writer's compressed files and the tests).
    func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        switch self {
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            var output = [UInt8](repeating: 0, count: bound)
            let written = output.withUnsafeMutableBytes { target in
                ZSTD_compress(target.baseAddress, bound, input.baseAddress, input.count, 1)
            }
            precondition(ZSTD_isError(written) == 0, "ZSTD_compress into a ZSTD_compressBound buffer failed")
            output.removeLast(bound - written)
            return output
        case .lz4Frame:
            let bound = LZ4F_compressFrameBound(input.count, nil)
            var output = [UInt8](repeating: 0, count: bound)
            let written = output.withUnsafeMutableBytes { target in
                LZ4F_compressFrame(target.baseAddress, bound, input.baseAddress, input.count, nil)
            }
            precondition(LZ4F_isError(written) == 0, "LZ4F_compressFrame into an LZ4F_compressFrameBound buffer failed")
            output.removeLast(bound - written)
            return output
        }
    }

    private static func zstdDecompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(ArrowError) -> Int {
        let result = ZSTD_decompress(output.baseAddress, output.count, input.baseAddress, input.count)
        if ZSTD_isError(result) != 0 {
            throw ArrowError("a ZSTD buffer of \(input.count) bytes does not decompress to its \(output.count) bytes: \(String(cString: ZSTD_getErrorName(result)))")
        }
        return result
    }

    private static func lz4Decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(ArrowError) -> Int {
        var context: OpaquePointer?
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(created) == 0, let context else { throw ArrowError("LZ4 could not create a decompression context (out of memory)") }
        defer { LZ4F_freeDecompressionContext(context) }
        var consumed = 0
        var produced = 0
        while true {
            var sourceSize = input.count - consumed
            var targetSize = output.count - produced
            let hint = LZ4F_decompress(context, output.baseAddress.map { $0 + produced }, &targetSize,
                                       input.baseAddress.map { $0 + consumed }, &sourceSize, nil)
            if LZ4F_isError(hint) != 0 {
                throw ArrowError("an LZ4 frame buffer of \(input.count) bytes is corrupt: \(String(cString: LZ4F_getErrorName(hint)))")
            }
            consumed += sourceSize
            produced += targetSize
            if hint == 0 {
                // End of a frame; pyarrow writes one frame per buffer, but several are allowed.
                if consumed >= input.count { return produced }
                continue
            }
            if consumed >= input.count {
                throw ArrowError("an LZ4 frame buffer of \(input.count) bytes ends inside its frame (truncated)")
            }
            if produced >= output.count, sourceSize == 0, targetSize == 0 {
                throw ArrowError("an LZ4 frame buffer decompresses to more than the \(output.count) bytes its header says")
            }
        }
    }
}
