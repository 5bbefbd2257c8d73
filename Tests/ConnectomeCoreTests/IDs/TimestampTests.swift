import ConnectomeCore
import Foundation
import JSONModel
import Testing

@Suite("Timestamps")
struct TimestampTests {
    @Test(arguments: [
        ("2024-05-01T12:30:00Z", 1_714_566_600.0),
        ("2024-05-01T12:30:00", 1_714_566_600.0),
        ("2024-05-01 12:30", 1_714_566_600.0),
        ("2024-05-01T12:30:00.250Z", 1_714_566_600.25),
        ("2024-05-01T14:30:00+02:00", 1_714_566_600.0),
        ("2024-05-01T07:30:00-0500", 1_714_566_600.0),
        ("2024-05-01", 1_714_521_600.0),
        ("2000-02-29T00:00:00Z", 951_782_400.0),
        ("1714566600", 1_714_566_600.0),
        ("1714566600.5", 1_714_566_600.5),
    ])
    func parsesInstants(text: String, seconds: Double) throws {
        #expect(try Timestamp(parsing: text).unixSeconds == seconds)
    }

    @Test func parsesSymbolicTimes() throws {
        #expect(try Timestamp(parsing: "now") == .now)
        #expect(try Timestamp(parsing: "mat") == .materialization(version: nil))
        #expect(try Timestamp(parsing: "mat_783") == .materialization(version: 783))
        #expect(try Timestamp(json: .int(1_714_566_600)).unixSeconds == 1_714_566_600)
        #expect(try Timestamp(json: .double(1.5)).unixSeconds == 1.5)
    }

    @Test func resolvesThroughTheCaller() throws {
        let resolved = try Timestamp.materialization(version: 7).resolved { version in
            #expect(version == 7)
            return Date(timeIntervalSince1970: 100)
        }
        #expect(resolved.timeIntervalSince1970 == 100)
        #expect(Timestamp.now.resolved(now: Date(timeIntervalSince1970: 5)) { _ in Date() }.timeIntervalSince1970 == 5)
    }

    @Test func printsISO8601InUTC() throws {
        #expect(try Timestamp(parsing: "2024-05-01T14:30:00+02:00").description == "2024-05-01T12:30:00Z")
        #expect(Timestamp.materialization(version: 3).description == "mat_3")
    }

    @Test(arguments: ["2024-13-01", "2023-02-29", "2024-05-01T25:00", "yesterday", "mat_x", "", "2024-05-01T12:30:00Q"])
    func rejectsBadInput(text: String) {
        #expect(throws: ConnectomeError.self) { try Timestamp(parsing: text) }
    }

    @Test func errorSaysWhatIsAccepted() {
        do {
            _ = try Timestamp(parsing: "yesterday")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "\"yesterday\" is not a timestamp")
            #expect(error.hint.contains("ISO 8601"))
            #expect(error.hint.contains("mat_<version>"))
        }
    }
}
