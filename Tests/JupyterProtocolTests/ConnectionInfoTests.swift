import Foundation
import Testing
@testable import JupyterProtocol

@Suite struct ConnectionInfoTests {
    static let good = #"""
    {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
     "ip": "127.0.0.1", "key": "abc", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "x"}
    """#

    func parse(_ text: String) throws(ConnectionFileError) -> ConnectionInfo {
        try ConnectionInfo.parse(Data(text.utf8), path: "/tmp/kernel-1.json")
    }

    func problem(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func parsesTCPFile() throws {
        let info = try parse(Self.good)
        #expect(info == ConnectionInfo(transport: .tcp, ip: "127.0.0.1", shellPort: 5001, iopubPort: 5002,
                                       stdinPort: 5003, controlPort: 5004, hbPort: 5005, key: "abc"))
        #expect(info.endpoint(port: info.shellPort) == "tcp://127.0.0.1:5001")
    }

    @Test func ipcEndpointsUseIPDashPort() throws {
        let info = try parse(Self.good.replacingOccurrences(of: "\"tcp\"", with: "\"ipc\"")
            .replacingOccurrences(of: "127.0.0.1", with: "/tmp/kernel-sock"))
        #expect(info.endpoint(port: info.hbPort) == "ipc:///tmp/kernel-sock-5005")
    }

    @Test func rejectsOtherSignatureSchemes() {
        let message = problem(Self.good.replacingOccurrences(of: "hmac-sha256", with: "hmac-md5"))
        #expect(message.contains("/tmp/kernel-1.json"))
        #expect(message.contains("hmac-md5") && message.contains("supported: hmac-sha256"))
    }

    @Test func namesMissingKeysWrongTypesAndBadJSON() {
        let missing = problem(Self.good.replacingOccurrences(of: "\"key\": \"abc\",", with: ""))
        #expect(missing.contains("/tmp/kernel-1.json") && missing.contains("\"key\""))
        let wrongType = problem(Self.good.replacingOccurrences(of: "5001", with: "\"5001\""))
        #expect(wrongType.contains("shell_port") && wrongType.contains("port number"))
        let badJSON = problem("{\"shell_port\": ")
        #expect(badJSON.contains("not valid JSON"))
        #expect(problem("[1]").contains("must be a JSON object"))
    }

    @Test func missingFileIsNamed() {
        #expect(throws: ConnectionFileError.self) { try ConnectionInfo.load(path: "/nonexistent/kernel-9.json") }
        do {
            _ = try ConnectionInfo.load(path: "/nonexistent/kernel-9.json")
        } catch {
            #expect(error.description.contains("/nonexistent/kernel-9.json") && error.description.contains("cannot be read"))
        }
    }
}
