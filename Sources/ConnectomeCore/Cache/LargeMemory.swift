#if canImport(Glibc)
import Glibc
#endif

/// Advice to the kernel for large buffers that are about to be written once, front to back.
///
/// Measured on the bench's 10,000,000-row synapse table (800 MB of columns): with 4 KiB pages,
/// faulting in and clearing the fresh pages took longer than decompressing into them, about
/// 1.3 s of the 2.6 s load. Linux's transparent huge pages in `madvise` mode (Debian's default)
/// give 2 MiB pages to ranges that ask for them, one fault where there were 512.
public enum LargeMemory {
    /// Below this a buffer is not worth a system call.
    static let threshold = 4 << 20

    /// Asks for huge pages for the whole 2 MiB pages inside `buffer`; harmless where unsupported.
    static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard buffer.count >= threshold, let base = buffer.baseAddress else { return }
        let page = 2 << 20
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(page - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
        #endif
    }

    /// The most malloc keeps of freed memory for reuse: glibc's own ceilings (a 32 MiB mmap
    /// threshold, twice that for trimming), which its dynamic thresholds reach only after a chunk
    /// that large has been freed.
    static let mmapThreshold: Int32 = 32 << 20
    static let trimThreshold: Int32 = 64 << 20

    /// Lets malloc reuse freed blocks of up to 32 MiB instead of mapping fresh pages for each cell.
    ///
    /// A cell of the kernel allocates and frees tens of megabytes of 1–32 MiB arrays (columns,
    /// response bodies). With glibc's defaults most of those are mmapped, or trimmed back from the
    /// thread arenas with `madvise` when freed, so the next cell faults and zeroes every page again:
    /// on a 200,000-row Arrow synapse query the page faults and the trimming took 40 % of the CPU
    /// time. Blocks above 32 MiB (a 10-million-row column) are still mapped and returned at once;
    /// what stays in the arenas is what the cells before used, which their next cell reuses, until
    /// `IdleTrim` gives it back after a quiet moment.
    ///
    /// All threads share one arena, because `malloc_trim` can return the free top of the main arena
    /// only: with glibc's arena per thread, the freed megabytes of the decoders' threads stayed
    /// (10.1 MiB of heap after a trim, against 5.5 with one arena, after a 1024² section). Small
    /// blocks come from each thread's lock-free cache (tcache) all the same.
    /// Called once at start-up, before the first thread allocates.
    public static func keepFreedMemoryForReuse() {
        #if os(Linux)
        _ = glibcMallopt(-8, 1)  // M_ARENA_MAX
        _ = glibcMallopt(-3, mmapThreshold)  // M_MMAP_THRESHOLD
        _ = glibcMallopt(-1, trimThreshold)  // M_TRIM_THRESHOLD
        #endif
    }
}

#if os(Linux)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not bring in).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
