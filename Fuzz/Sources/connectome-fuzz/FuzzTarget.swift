import Dispatch
import ConnectomeCore
import Foundation

/// One fuzz target: a name for the command line and the corpus folder, and a body that must never trap.
///
/// Bodies feed the input to the code under test exactly as the kernel would meet it (bytes from a socket,
/// a file or a server) and ignore the errors it throws: only a trap, an AddressSanitizer report, a leak of
/// memory past libFuzzer's limit or a hang is a finding. A body may also trap on purpose when a contract
/// is broken (e.g. a reader of stored data throwing something other than a `ConnectomeError`).
struct FuzzTarget: Sendable {
    let name: String
    let summary: String
    /// Whether the body runs Swift tasks (`blocking`): their memory is freed on pool threads after the input
    /// returns, which libFuzzer's per-input leak check reports as leaks, so it is off for these targets.
    var runsTasks = false
    /// Where the input holds JSON for the structure-aware mutator (`JSONMutator.swift`).
    var json = JSONPart.none
    let run: @Sendable (Data) -> Void

    /// Every target, in the order `make fuzz` runs them; the corpus of each is `Fuzz/Corpus/<name>/`.
    static let all: [FuzzTarget] = [
        .wire, .language, .precomputedInfo, .catmaidStack, .n5, .shard, .compressedSegmentation, .chunk,
        .codecs, .neuroglancerURL, .cave, .materialization, .seatable, .zmtp,
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// The target of this process (set once in `main.swift` before libFuzzer starts).
    nonisolated(unsafe) static var selected: FuzzTarget = .wire
}

/// Runs async code to completion from libFuzzer's synchronous callback (which is not on the cooperative pool).
func blocking(_ work: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await work()
        done.signal()
    }
    done.wait()
}

/// Traps unless `error` is one the layer promises (stored data must fail as a `ConnectomeError`, never as
/// a codec's or Foundation's error that would reach the user without the file's name).
///
/// With `CK_FUZZ_VERBOSE=1` the error is printed: how to check that seeds get past the parsers.
func expectConnectomeError(_ error: any Error, _ target: String) {
    if verbose { print("\(target): \(error)") }
    if error is CancellationError { return }
    guard error is ConnectomeError else {
        fatalError("\(target): a \(type(of: error)) escaped instead of a ConnectomeError: \(error)")
    }
}

let verbose = ProcessInfo.processInfo.environment["CK_FUZZ_VERBOSE"] == "1"

/// Reads the leading bytes of an input as small parameters (sizes, selectors), the rest is the payload.
struct ByteReader {
    private var bytes: [UInt8]
    private var position = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    /// The next byte (0 past the end).
    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// A value in `range`, from the next byte.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(byte()) % (range.count)
    }

    /// Everything not read yet.
    var rest: Data { position < bytes.count ? Data(bytes[position...]) : Data() }
}
