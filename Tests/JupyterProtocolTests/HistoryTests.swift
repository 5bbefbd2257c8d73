import Foundation
import JSONModel
import Logging
import Testing
@testable import JupyterProtocol

@Suite(.timeLimit(.minutes(1))) struct HistoryTests {
    func history(_ kernel: Harness, _ content: JSONValue) async throws -> [JSONValue] {
        try #require(try await kernel.request("history_request", content).reply.content["history"]?.arrayValue)
    }

    @Test func historyPersistsAcrossKernelsSharingAFile() async throws {
        let url = Harness.temporaryHistory()
        let first = Harness(historyURL: url)
        for code in ["value a", "print b", "value a"] { _ = try await first.execute(code) }
        _ = try await first.execute("print unstored", ["store_history": false])
        let firstSession = first.core.history.session
        _ = try await first.shutdown()

        let second = Harness(historyURL: url)
        let session = second.core.history.session
        #expect(session == firstSession + 1)
        _ = try await second.execute("print c")
        _ = try await second.execute("value d")

        let s1 = JSONValue.int(Int64(firstSession)), s2 = JSONValue.int(Int64(session))
        #expect(try await history(second, ["hist_access_type": "tail", "n": 3, "output": false, "raw": true])
            == [[s1, 3, "value a"], [s2, 1, "print c"], [s2, 2, "value d"]])
        #expect(try await history(second, ["hist_access_type": "tail", "n": 2, "output": true])
            == [[s2, 1, ["print c", nil]], [s2, 2, ["value d", "d"]]])
        #expect(try await history(second, ["hist_access_type": "range", "session": s1, "start": 2, "stop": 3])
            == [[s1, 2, "print b"]])
        #expect(try await history(second, ["hist_access_type": "range", "session": 0, "start": 1])
            == [[s2, 1, "print c"], [s2, 2, "value d"]])
        #expect(try await history(second, ["hist_access_type": "range", "session": -1, "start": 3])
            == [[s1, 3, "value a"]])
        #expect(try await history(second, ["hist_access_type": "search", "pattern": "value*"]).count == 3)
        #expect(try await history(second, ["hist_access_type": "search", "pattern": "value a", "unique": true])
            == [[s1, 3, "value a"]])
        #expect(try await history(second, ["hist_access_type": "search", "pattern": "?rint*", "n": 1])
            == [[s2, 1, "print c"]])
        _ = try await second.shutdown()
    }

    @Test func defaultLocationHonoursEnvironment() {
        #expect(HistoryStore.defaultLocation(environment: ["CONNECTOME_KERNEL_HISTORY": "/x/h.jsonl"]).path == "/x/h.jsonl")
        #expect(HistoryStore.defaultLocation(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]).path
            == "/d/connectome-kernel/history.jsonl")
        #expect(HistoryStore.defaultLocation(environment: ["HOME": "/h"]).path
            == "/h/.local/share/connectome-kernel/history.jsonl")
    }

    @Test func unwritableFileKeepsThisSessionInMemory() async throws {
        let kernel = Harness(historyURL: URL(fileURLWithPath: "/proc/forbidden/history.jsonl"))
        _ = try await kernel.execute("print x")
        #expect(try await history(kernel, ["hist_access_type": "tail", "n": 5]).count == 1)
        _ = try await kernel.shutdown()
    }

    // MARK: - Bounds, sessions, reading from the end

    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func store(_ url: URL, _ limits: HistoryLimits = .standard) -> HistoryStore {
        HistoryStore(fileURL: url, logger: Self.logger, limits: limits)
    }

    func fileSize(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
    }

    @Test func outputIsCutToAFewKilobytesPerEntry() throws {
        let url = Harness.temporaryHistory()
        let history = store(url)
        let long = String(repeating: "é", count: 100_000)  // 200,000 UTF-8 bytes
        history.append(line: 1, input: "print big", output: long)
        let kept = try #require(history.query(HistoryRequest(accessType: .tail, n: 1)).first?.output)
        #expect(kept.utf8.count <= HistoryLimits.standard.outputBytes && kept.hasSuffix(HistoryLimits.truncationMark))
        #expect(kept.hasPrefix("éé"))
        #expect(try fileSize(url) < 2 * HistoryLimits.standard.outputBytes)
        let next = store(url)
        #expect(next.query(HistoryRequest(accessType: .tail, n: 1)).first?.output == kept)
    }

    @Test func fileIsCompactedPastItsLimitAndKernelsKeepAppending() throws {
        let url = Harness.temporaryHistory()
        let limits = HistoryLimits(outputBytes: 256, inputBytes: 1024, compactAboveBytes: 16 * 1024, compactedBytes: 8 * 1024)
        let first = store(url, limits)
        let second = store(url, limits)  // running side by side, its descriptor opened before any compaction
        for line in 1...400 {
            first.append(line: line, input: "print \(line) " + String(repeating: "x", count: 100), output: nil)
            #expect(try fileSize(url) <= limits.compactAboveBytes + 1024)
        }
        second.append(line: 1, input: "print after compaction", output: nil)
        let third = store(url, limits)
        let tail = third.query(HistoryRequest(accessType: .tail, n: 2))
        #expect(tail.map(\.input) == ["print 400 " + String(repeating: "x", count: 100), "print after compaction"])
        #expect(tail.map(\.session) == [first.session, second.session])
        #expect(third.session == second.session + 1)
        #expect(third.query(HistoryRequest(accessType: .search, pattern: "print 1 *")).isEmpty)  // compacted away
    }

    @Test func longInputsStayInThisSessionOnly() throws {
        let url = Harness.temporaryHistory()
        let history = store(url)
        let huge = "print \"" + String(repeating: "a", count: HistoryLimits.standard.inputBytes) + "\""
        history.append(line: 1, input: huge, output: nil)
        #expect(history.query(HistoryRequest(accessType: .tail, n: 1)).first?.input == huge)
        #expect(try fileSize(url) < 1024)
    }

    @Test func sessionNumbersSurviveALongLastEntry() throws {
        let url = Harness.temporaryHistory()
        let limits = HistoryLimits(outputBytes: 4096, inputBytes: 512 * 1024, compactAboveBytes: 8 << 20, compactedBytes: 4 << 20)
        for _ in 0..<3 { _ = store(url, limits) }
        let fourth = store(url, limits)
        fourth.append(line: 1, input: String(repeating: "#", count: 300 * 1024), output: nil)
        let fifth = store(url, limits)
        #expect(fifth.session == fourth.session + 1)
        fifth.append(line: 1, input: String(repeating: "%", count: 300 * 1024), output: nil)
        // Without the counter file the number is found from the file's end, past the long line.
        try FileManager.default.removeItem(atPath: HistoryStore.counterPath(for: url))
        #expect(store(url, limits).session == fifth.session + 1)
    }

    @Test func kernelsStartedSideBySideGetTheirOwnSessions() async throws {
        let url = Harness.temporaryHistory()
        let stores = await withTaskGroup(of: HistoryStore.self) { group in
            for _ in 0..<8 { group.addTask { self.store(url) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(stores.map(\.session)) == Set(1...8))
        for (index, history) in stores.enumerated() { history.append(line: 1, input: "print \(index)", output: nil) }
        for (index, history) in stores.enumerated() { history.append(line: 2, input: "value \(index)", output: nil) }
        for (index, history) in stores.enumerated() {
            // This kernel's cells come last in its tail, and a range of its session holds only its own.
            #expect(history.query(HistoryRequest(accessType: .tail, n: 2)).map(\.input) == ["print \(index)", "value \(index)"])
            let other = stores[(index + 1) % stores.count]
            #expect(history.query(HistoryRequest(accessType: .range, session: other.session, start: 1)).map(\.input)
                == ["print \((index + 1) % stores.count)", "value \((index + 1) % stores.count)"])
        }
    }

    @Test func uniqueSearchReturnsEachInputOnceAcrossSessions() throws {
        let url = Harness.temporaryHistory()
        for _ in 0..<4 {
            let history = store(url)
            for (line, code) in ["42", "576460752664524086", "[1, 2, 3]", "576460752664524086"].enumerated() {
                history.append(line: line + 1, input: code, output: code)
            }
        }
        let latest = store(url)
        latest.append(line: 1, input: "576460752664524086", output: nil)
        let unique = latest.query(HistoryRequest(accessType: .search, pattern: "57646*", unique: true))
        #expect(unique.map(\.input) == ["576460752664524086"] && unique.first?.session == latest.session)
        #expect(latest.query(HistoryRequest(accessType: .search, pattern: "57646*")).count == 9)
        #expect(latest.query(HistoryRequest(accessType: .search, n: 3, pattern: "57646*")).count == 3)
        #expect(latest.query(HistoryRequest(accessType: .search, pattern: "*", unique: true)).map(\.input)
            == ["42", "[1, 2, 3]", "576460752664524086"])
    }

    @Test func tailReadsOnlyTheEndOfALongFile() throws {
        let url = Harness.temporaryHistory()
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var text = Data()
        for line in 1...40_000 {
            text.append(Data(#"{"session":1,"line":\#(line),"input":"print \#(line)","output":null}"#.utf8))
            text.append(UInt8(ascii: "\n"))
        }
        try text.write(to: url)
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        var lines: [String] = []
        let read = ReverseLineReader(descriptor: fd).forEachLine { line in
            lines.append(String(decoding: line, as: UTF8.self))
            return lines.count < 3
        }
        #expect(text.count > 2_000_000 && read == 64 * 1024)
        #expect(lines.first?.contains("\"line\":40000") == true && lines.last?.contains("\"line\":39998") == true)
        let history = store(url)
        #expect(history.session == 2)
        #expect(history.query(HistoryRequest(accessType: .tail, n: 2)).map(\.line) == [39_999, 40_000])
    }

    @Test func reverseReaderYieldsEveryLineAndSkipsOverlongOnes() throws {
        let url = Harness.temporaryHistory()
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lines = ["first", String(repeating: "L", count: 300), "", "third", String(repeating: "m", count: 90), "last"]
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        var seen: [String] = []
        ReverseLineReader(descriptor: fd, chunkBytes: 7, maxLineBytes: 100).forEachLine { line in
            seen.append(String(decoding: line, as: UTF8.self))
            return true
        }
        #expect(seen == ["last", String(repeating: "m", count: 90), "third", "first"])
    }
}
