import CommandLanguage
import Foundation
import Synchronization

/// The most memory one cell may hold at its peak while it builds an image or a table, and the one
/// rule that checks a plan against it before anything is read.
///
/// A `slice` of 16384 × 16384 segmentation voxels holds 2 GiB of labels, 768 MiB of colour and as much
/// again as PNG and base64: enough to push a laptop into swap or the kernel out of memory, which loses
/// every variable. A command adds up what it will hold (`Part`s) and calls `check`, which refuses with
/// the sizes and what to change. `cache budget=` sets the limit, up to the machine's memory.
final class MemoryBudget: Sendable {
    /// 1 GiB: a grey slice of up to about 15000 × 15000 pixels fits (section, image, PNG and base64
    /// are about 4.4 bytes a pixel); the default 1000 × 1000 slice uses 4 MiB of it.
    static let defaultBytes = 1 << 30

    /// The machine's memory as the OS reports it: the most `cache size=` and `cache budget=` accept.
    static let physicalMemory = Int(clamping: ProcessInfo.processInfo.physicalMemory)

    /// What `cache size=` accepts (0 turns the cache off).
    static let cacheRange = NumberRange(0...Double(physicalMemory),
                                        shown: "0 bytes to \(ByteCount.format(physicalMemory)), this machine's memory")

    /// What `cache budget=` accepts: from 1 MiB (enough for a 256 × 256 slice) to the machine's memory.
    static let budgetRange = NumberRange(Double(1 << 20)...Double(max(1 << 20, physicalMemory)),
                                         shown: "1 MiB to \(ByteCount.format(physicalMemory)), this machine's memory")

    private let limit = Mutex(MemoryBudget.defaultBytes)

    var bytes: Int {
        get { limit.withLock { $0 } }
        set { limit.withLock { $0 = newValue } }
    }

    /// One thing a command will hold: "the section", with its size, or nil when the size overflows.
    struct Part {
        var what: String
        var bytes: Int?

        /// The product of `factors` (width, height, bytes per pixel, ...), nil past `Int.max`.
        init(_ what: String, _ factors: Int...) {
            self.what = what
            var product: Int? = 1
            for factor in factors {
                guard let soFar = product, factor >= 0 else { product = nil; break }
                let (result, overflow) = soFar.multipliedReportingOverflow(by: factor)
                product = overflow ? nil : result
            }
            bytes = product
        }

        init(_ what: String, bytes: Int?) {
            self.what = what
            self.bytes = bytes
        }

        /// A PNG of `raw` bytes of pixels at worst (stored, not compressed) and its base64 in the
        /// display bundle: what encoding and showing an image adds to the image itself.
        static func encoded(imageBytes raw: Int?) -> [Part] {
            let png = raw.flatMap { $0 <= Int.max / 2 ? $0 + $0 / 100 + 1024 : nil }
            return [Part("the PNG", bytes: png), Part("its base64 text", bytes: png.map { $0 / 3 * 4 + 4 })]
        }
    }

    /// Throws an `ArgumentError` on the first of `blame` given (or the whole command) when `parts` add up to more than
    /// the budget; `fix` says what to ask for instead (a smaller size, a coarser mip).
    func check(_ parts: [Part], doing task: String, invocation: Invocation, blame: [String], fix: String) throws {
        var total: Int? = 0
        for part in parts {
            guard let sum = total, let bytes = part.bytes else { total = nil; break }
            let (result, overflow) = sum.addingReportingOverflow(bytes)
            total = overflow ? nil : result
        }
        let budget = bytes
        if let total, total <= budget { return }
        let size = total.map(ByteCount.format) ?? "more than 8 EiB"
        let breakdown = parts.map { "\($0.what) \($0.bytes.map(ByteCount.format) ?? "too large to count")" }
        let message = "\(task) would hold \(size) at its peak (\(breakdown.joined(separator: ", "))), "
            + "more than the cell memory budget of \(ByteCount.format(budget))"
        let hint = "\(fix), or raise the budget with cache budget=\"4 GB\" (up to \(ByteCount.format(Self.physicalMemory)), this machine's memory)"
        if let blame = blame.first(where: invocation.has) {
            throw invocation.argumentError(blame, message, hint: hint)
        }
        throw EvaluationError(.argumentError, message, hint: hint, range: invocation.range)
    }
}
