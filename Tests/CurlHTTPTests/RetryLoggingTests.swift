import ConnectomeCore
import CurlHTTP
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// Retries and give-ups reach the transport's logger, so a slow cell's log says why.
@Suite struct RetryLoggingTests {
    /// Keeps every record it is given.
    struct CapturingHandler: LogHandler {
        struct Record: Sendable {
            var level: Logger.Level
            var message: String
            var metadata: [String: String]
        }

        let box: RecordBox
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        init(_ box: RecordBox) {
            self.box = box
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { _, new in new }.mapValues { "\($0)" }
            box.append(Record(level: event.level, message: event.message.description, metadata: all))
        }
    }

    final class RecordBox: Sendable {
        private let records = Mutex<[CapturingHandler.Record]>([])
        func append(_ record: CapturingHandler.Record) { records.withLock { $0.append(record) } }
        var all: [CapturingHandler.Record] { records.withLock { $0 } }
    }

    static func transport(logging box: RecordBox, tries: Int = 4) -> CurlTransport {
        var configuration = CurlTransport.Configuration()
        configuration.maxTries = tries
        configuration.initialBackoff = 0.01
        configuration.maxBackoff = 0.05
        configuration.connectTimeout = 2
        configuration.requestTimeout = 10
        return CurlTransport(configuration: configuration, logger: Logger(label: "test.http") { _ in CapturingHandler(box) })
    }

    @Test func a429IsLoggedWithItsWaitThenTheRetrySucceeds() async throws {
        let server = try ScriptedServer(script: { _, count in
            count == 1 ? .respond(status: 429, headers: ["Retry-After": "0"]) : .respond(status: 200, body: Data("ok".utf8))
        })
        defer { server.stop() }
        let box = RecordBox()
        let response = try await Self.transport(logging: box).send(HTTPRequest(url: server.url + "/throttled"))
        #expect(response.status == 200)
        let records = box.all
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.level == .notice)
        #expect(record.message.contains("429"))
        #expect(record.metadata["url"] == server.url + "/throttled")
        #expect(record.metadata["reason"] == "status 429")
        #expect(record.metadata["try"] == "2" && record.metadata["retry_after"] == "0")
        #expect(record.metadata["delay_s"] == "0.000")
    }

    @Test func aRequestGivenUpAfterItsLastTryIsLoggedAsAWarning() async throws {
        let server = try ScriptedServer(script: { _, _ in .respond(status: 503) })
        defer { server.stop() }
        let box = RecordBox()
        await #expect(throws: ConnectomeError.self) {
            _ = try await Self.transport(logging: box, tries: 2).send(HTTPRequest(url: server.url + "/down"))
        }
        let records = box.all
        #expect(records.map(\.level) == [.notice, .warning])
        #expect(records.last?.metadata["status"] == "503" && records.last?.metadata["tries"] == "2")
    }
}
