import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file's lines newest first, a chunk at a time from the end.
///
/// A `history_request` for the last few cells then costs a few kilobytes however long the file is,
/// and it can stop as soon as it has what it wants. Lines longer than `maxLineBytes` cannot have
/// been written by the history store; they are skipped instead of being gathered into memory.
struct ReverseLineReader {
    let descriptor: Int32
    var chunkBytes = 64 * 1024
    var maxLineBytes = 1024 * 1024

    /// Calls `body` with each non-empty line, last line first, until it returns false or the file's
    /// start is reached. Returns the number of bytes read.
    @discardableResult
    func forEachLine(_ body: (Data) -> Bool) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return 0 }
        var position = Int(status.st_size)
        var bytesRead = 0
        // The start of a line whose beginning lies before `position` (not yet read).
        var partial = Data()
        // True while the bytes being gathered belong to an over-long line that will be skipped.
        var skipping = false
        while position > 0 {
            let size = min(chunkBytes, position)
            position -= size
            var chunk = Data(count: size)
            let got = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, size, off_t(position)) }
            guard got == size else { return bytesRead }
            bytesRead += size
            chunk.append(partial)
            partial = Data()
            var end = chunk.endIndex
            var index = chunk.endIndex
            while index > chunk.startIndex {
                index -= 1
                guard chunk[index] == UInt8(ascii: "\n") else { continue }
                if !skipping, index + 1 < end, !body(chunk[(index + 1)..<end]) { return bytesRead }
                skipping = false
                end = index
            }
            if skipping || end - chunk.startIndex > maxLineBytes {
                skipping = true
            } else {
                partial = chunk[chunk.startIndex..<end]
            }
        }
        if !skipping, !partial.isEmpty { _ = body(partial) }
        return bytesRead
    }
}
