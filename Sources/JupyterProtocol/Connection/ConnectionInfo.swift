import Foundation
import JSONModel

/// The connection file a kernel is started with: where to bind the five sockets and how to sign.
public struct ConnectionInfo: Sendable, Equatable {
    public enum TransportKind: String, Sendable {
        case tcp, ipc
    }

    public var transport: TransportKind
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var hbPort: Int
    public var key: String
    public var signatureScheme: String

    public static let supportedSignatureSchemes = ["hmac-sha256"]

    public init(transport: TransportKind = .tcp, ip: String = "127.0.0.1", shellPort: Int, iopubPort: Int,
                stdinPort: Int, controlPort: Int, hbPort: Int, key: String,
                signatureScheme: String = "hmac-sha256") {
        self.transport = transport
        self.ip = ip
        self.shellPort = shellPort
        self.iopubPort = iopubPort
        self.stdinPort = stdinPort
        self.controlPort = controlPort
        self.hbPort = hbPort
        self.key = key
        self.signatureScheme = signatureScheme
    }

    /// The ZeroMQ endpoint for a port: `tcp://ip:port`, or `ipc://ip-port` as jupyter_client writes it.
    /// Port 0 over tcp means "any free port" (`tcp://ip:*`), which tests use.
    public func endpoint(port: Int) -> String {
        switch transport {
        case .tcp: return port == 0 ? "tcp://\(ip):*" : "tcp://\(ip):\(port)"
        case .ipc: return "ipc://\(ip)-\(port)"
        }
    }

    public var signer: MessageSigner { MessageSigner(key: key) }

    /// Reads and validates a connection file.
    public static func load(path: String) throws(ConnectionFileError) -> ConnectionInfo {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedDescription
            throw ConnectionFileError(path: path, problem: "cannot be read (\(reason))")
        }
        return try parse(data, path: path)
    }

    /// Validates connection-file JSON; `path` only names the source in errors.
    public static func parse(_ data: Data, path: String) throws(ConnectionFileError) -> ConnectionInfo {
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw ConnectionFileError(path: path, problem: "is not valid JSON (\(error.description))")
        }
        guard case .object(let object) = json else {
            throw ConnectionFileError(path: path, problem: "must be a JSON object, found \(kind(json))")
        }
        func string(_ key: String, default fallback: String? = nil) throws(ConnectionFileError) -> String {
            guard let value = object[key] else {
                if let fallback { return fallback }
                throw ConnectionFileError(path: path, problem: "has no \"\(key)\" key; it is required")
            }
            guard let text = value.stringValue else {
                throw ConnectionFileError(path: path, problem: "\"\(key)\" must be a string, found \(kind(value))")
            }
            return text
        }
        func port(_ key: String) throws(ConnectionFileError) -> Int {
            guard let value = object[key] else {
                throw ConnectionFileError(path: path, problem: "has no \"\(key)\" key; it is required")
            }
            guard let number = value.intValue, (0...65535).contains(number) else {
                throw ConnectionFileError(
                    path: path, problem: "\"\(key)\" must be a port number 0-65535, found \(value.text())")
            }
            return number
        }
        let transportName = try string("transport", default: "tcp")
        guard let transport = TransportKind(rawValue: transportName) else {
            throw ConnectionFileError(path: path, problem: "transport \"\(transportName)\" is not supported; use \"tcp\" or \"ipc\"")
        }
        let scheme = try string("signature_scheme", default: "hmac-sha256")
        guard supportedSignatureSchemes.contains(scheme) else {
            throw ConnectionFileError(
                path: path,
                problem: "signature_scheme \"\(scheme)\" is not supported; supported: \(supportedSignatureSchemes.joined(separator: ", "))")
        }
        return ConnectionInfo(
            transport: transport, ip: try string("ip"), shellPort: try port("shell_port"),
            iopubPort: try port("iopub_port"), stdinPort: try port("stdin_port"),
            controlPort: try port("control_port"), hbPort: try port("hb_port"), key: try string("key"),
            signatureScheme: scheme)
    }

    /// The connection file JSON (used by tests and by tools that launch a kernel).
    public var json: JSONValue {
        [
            "transport": .string(transport.rawValue), "ip": .string(ip),
            "shell_port": .int(Int64(shellPort)), "iopub_port": .int(Int64(iopubPort)),
            "stdin_port": .int(Int64(stdinPort)), "control_port": .int(Int64(controlPort)),
            "hb_port": .int(Int64(hbPort)), "key": .string(key), "signature_scheme": .string(signatureScheme),
        ]
    }

    private static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .uint, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A connection file that cannot be used, naming the file and what is wrong with it.
public struct ConnectionFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public var description: String {
        "connection file \(path) \(problem)"
    }
}
