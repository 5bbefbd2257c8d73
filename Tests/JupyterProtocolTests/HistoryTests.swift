import Foundation
import JSONModel
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
}
