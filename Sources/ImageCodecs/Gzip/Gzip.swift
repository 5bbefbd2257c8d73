internal import CCKIsal
internal import CCKZlib
import Foundation

/// gzip (RFC 1952): inflated with ISA-L (igzip), compressed with zlib; for chunk objects stored as `.gz` and gzip-encoded sharded data.
///
/// Concatenated members (as `cat a.gz b.gz` or pigz produce) decode to the concatenation of
/// their contents. Errors say whether the input was cut short or is corrupt, because the fix
/// differs (re-download against re-write).
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The most bytes `decompress(_:)` and an unbounded `prefix` inflate to: 2 GiB. Callers that
    /// know what the data can hold (a chunk's bytes) pass a tighter `maximumBytes`.
    public static let defaultMaximumBytes = 1 << 31

    /// The whole decompressed data, at most `defaultMaximumBytes` of it (more is an error).
    public static func decompress(_ data: Data) throws(CodecError) -> Data {
        try decompress(data, maximumBytes: defaultMaximumBytes)
    }

    /// The whole decompressed data, which must not exceed `maximumBytes`: inflating stops and throws
    /// as soon as it would, so a gzip bomb (a few KiB that inflate to terabytes) costs at most
    /// `maximumBytes` of memory and the time to produce them.
    public static func decompress(_ data: Data, maximumBytes: Int) throws(CodecError) -> Data {
        try checkMagic(data)
        return try data.withCodecBytes { bytes throws(CodecError) in
            try inflate(bytes, bound: .maximum(max(0, min(maximumBytes, Int.max - 1))))
        }
    }

    /// The first `prefix` decompressed bytes (fewer if the data is shorter), inflating no further;
    /// nil means all of it, up to `defaultMaximumBytes`.
    ///
    /// A section of a gzip-stored 64³ raw chunk needs only the bytes up to its z-plane: stopping
    /// there skips on average half of the inflate work.
    public static func decompress(_ data: Data, prefix: Int?) throws(CodecError) -> Data {
        guard let prefix else { return try decompress(data) }
        try checkMagic(data)
        return try data.withCodecBytes { bytes throws(CodecError) in try inflate(bytes, bound: .prefix(max(0, prefix))) }
    }

    private static func checkMagic(_ data: Data) throws(CodecError) {
        guard isGzip(data) else {
            let head = data.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw CodecError("not gzip data: \(data.count) bytes starting with [\(head)], expected 1f 8b")
        }
    }

    /// Where inflating stops: after a prefix (returned), or past a maximum (an error).
    private enum Bound {
        case prefix(Int)
        case maximum(Int)

        /// The most output bytes ever held: the prefix, or one past the maximum (to see it exceeded).
        var capacity: Int {
            switch self {
            case .prefix(let count): count
            case .maximum(let count): count + 1
            }
        }
    }

    /// gzip-compresses `data` at zlib level `level` (0 … 9) as one member.
    public static func compress(_ data: Data, level: Int = 6) -> Data {
        var stream = z_stream()
        let status = deflateInit2_(&stream, Int32(max(0, min(9, level))), Z_DEFLATED, MAX_WBITS + 16, 8,
                                   Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit2 failed with \(status) (out of memory)")
        defer { deflateEnd(&stream) }
        let capacity = Int(deflateBound(&stream, uLong(data.count))) + 32
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        data.withUnsafeBytes { raw in
            stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: UInt8.self).baseAddress)
            stream.avail_in = uInt(raw.count)
            stream.next_out = output
            stream.avail_out = uInt(capacity)
            let result = deflate(&stream, Z_FINISH)
            precondition(result == Z_STREAM_END, "zlib deflate into a deflateBound buffer returned \(result)")
        }
        let length = capacity - Int(stream.avail_out)
        return Data(bytesNoCopy: output, count: length, deallocator: .custom { pointer, _ in pointer.deallocate() })
    }

    /// gzip-compresses `data` as one member with ISA-L's igzip at its level 1: about the size of
    /// zlib's level 1 in a quarter of the time. For request bodies compressed only to travel
    /// (a list of 100,000 IDs took zlib 6 ms, longer than the rest of a chunked-graph call).
    public static func compressFast(_ data: Data) -> Data {
        // The stream holds its window and tables (~300 KB): on the heap, not the task's stack.
        let stream = UnsafeMutablePointer<isal_zstream>.allocate(capacity: 1)
        defer { stream.deallocate() }
        isal_deflate_init(stream)
        // ISAL_DEF_LVL1_DEFAULT (a macro Swift cannot import): 4 KiB + two 8 Ki hash tables + 64 Ki tokens of 4 bytes.
        let levelBufferSize = 4 * 1024 + 2 * 8 * 1024 + 4 * 64 * 1024
        let levelBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: levelBufferSize)
        defer { levelBuffer.deallocate() }
        stream.pointee.level = 1
        stream.pointee.level_buf = levelBuffer
        stream.pointee.level_buf_size = UInt32(levelBufferSize)
        stream.pointee.gzip_flag = UInt16(IGZIP_GZIP)
        stream.pointee.end_of_stream = 1
        stream.pointee.flush = UInt16(NO_FLUSH)
        var capacity = data.count + data.count / 8 + 1024
        var output = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        var produced = 0
        data.withUnsafeBytes { raw in
            precondition(raw.count <= Int(UInt32.max), "compressFast takes at most 4 GiB")
            stream.pointee.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: UInt8.self).baseAddress)
            stream.pointee.avail_in = UInt32(raw.count)
            while true {
                stream.pointee.next_out = output.assumingMemoryBound(to: UInt8.self) + produced
                stream.pointee.avail_out = UInt32(min(capacity - produced, Int(UInt32.max)))
                let before = Int(stream.pointee.avail_out)
                let status = isal_deflate(stream)
                precondition(status == COMP_OK, "igzip deflate failed with \(status)")
                produced += before - Int(stream.pointee.avail_out)
                if stream.pointee.internal_state.state == ZSTATE_END { break }
                // Incompressible input can outgrow the first guess: room for as much again.
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                grown.copyMemory(from: output, byteCount: produced)
                output.deallocate()
                output = grown
                capacity *= 2
            }
        }
        return Data(bytesNoCopy: output, count: produced, deallocator: .custom { pointer, _ in pointer.deallocate() })
    }

    /// Inflates with ISA-L's igzip (2–3× zlib's rate on EM, the bound of gzip-stored sections), stopping
    /// at `bound`; the CRC-32 of every member read to its end is checked.
    private static func inflate(_ input: UnsafeBufferPointer<UInt8>, bound: Bound) throws(CodecError) -> Data {
        guard input.count <= Int(UInt32.max) else {
            throw CodecError("gzip data of \(input.count) bytes is more than igzip reads in one call (4 GiB)")
        }
        // 87 KB of tables and window: on the heap, not the task's stack.
        let state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
        defer { state.deallocate() }
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)

        // The trailer's ISIZE (size mod 2³²) of the last member is exact for the usual single member.
        var capacity = max(64, input.count * 2)
        if input.count >= 18 {
            let tail = input.count - 4
            let isize = Int(input[tail]) | Int(input[tail + 1]) << 8 | Int(input[tail + 2]) << 16 | Int(input[tail + 3]) << 24
            // deflate expands at most ~1032:1, so a larger ISIZE is a lie (or a later member's) and is not trusted.
            if isize > 0, isize <= input.count * 1032 { capacity = isize }
        }
        capacity = max(1, min(capacity, bound.capacity))
        var output = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        var produced = 0
        var members = 0
        state.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        state.pointee.avail_in = UInt32(input.count)

        func fail(_ message: String) -> CodecError {
            output.deallocate()
            return CodecError(message)
        }

        while true {
            if case .prefix(let limit) = bound, produced >= limit {
                return Data(bytesNoCopy: output, count: limit, deallocator: .custom { pointer, _ in pointer.deallocate() })
            }
            if produced == capacity {
                // capacity < bound.capacity here: a prefix returns at its bound, a maximum throws past it.
                let grownCapacity = capacity + min(capacity, bound.capacity - capacity)
                let grown = UnsafeMutableRawPointer.allocate(byteCount: grownCapacity, alignment: 16)
                grown.copyMemory(from: output, byteCount: produced)
                output.deallocate()
                output = grown
                capacity = grownCapacity
            }
            state.pointee.next_out = output.assumingMemoryBound(to: UInt8.self) + produced
            state.pointee.avail_out = UInt32(min(capacity - produced, Int(UInt32.max)))
            let before = Int(state.pointee.avail_out)
            let status = isal_inflate(state)
            produced += before - Int(state.pointee.avail_out)
            if case .maximum(let maximum) = bound, produced > maximum {
                output.deallocate()
                throw CodecError("gzip data inflates to more than \(maximum) bytes, the most this object can hold (from \(input.count) compressed bytes); it is corrupt or a decompression bomb",
                                 exceededLimit: maximum)
            }
            let at = input.count - Int(state.pointee.avail_in)
            if status < 0 || status == ISAL_NEED_DICT {
                let reason = switch status {
                case ISAL_INVALID_BLOCK: "an invalid deflate block"
                case ISAL_INVALID_SYMBOL: "an invalid deflate symbol"
                case ISAL_INVALID_LOOKBACK: "an invalid back-reference distance"
                case ISAL_INVALID_WRAPPER: "an invalid gzip header or trailer"
                case ISAL_UNSUPPORTED_METHOD: "a compression method other than deflate"
                case ISAL_INCORRECT_CHECKSUM: "an incorrect CRC-32"
                case ISAL_NEED_DICT: "a preset dictionary, which gzip does not have"
                default: "igzip error \(status)"
                }
                throw fail("gzip data is corrupt: \(reason) in member \(members + 1) near byte \(at) of \(input.count)")
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                members += 1
                let rest = UnsafeBufferPointer(rebasing: input[at...])
                if rest.count >= 2, rest[0] == 0x1f, rest[1] == 0x8b {
                    isal_inflate_reset(state)
                    state.pointee.crc_flag = UInt32(ISAL_GZIP)
                    state.pointee.next_in = UnsafeMutablePointer(mutating: rest.baseAddress)
                    state.pointee.avail_in = UInt32(rest.count)
                    continue
                }
                if rest.contains(where: { $0 != 0 }) {
                    throw fail("gzip data has \(rest.count) bytes of trailing garbage after member \(members) (at byte \(at) of \(input.count))")
                }
                return Data(bytesNoCopy: output, count: produced, deallocator: .custom { pointer, _ in pointer.deallocate() })
            }
            if state.pointee.avail_in == 0, state.pointee.avail_out > 0 {
                throw fail("gzip data is truncated: \(input.count) bytes end inside member \(members + 1) after \(produced) decompressed bytes; the object was cut short (re-download or re-write it)")
            }
        }
    }
}
