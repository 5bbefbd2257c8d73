import Foundation
import JSONModel

/// A materialization version: its number and the instant its tables were frozen (UTC).
public struct MaterializationVersion: Sendable, Equatable {
    public var version: Int
    public var timeStamp: Date
    public var expiresOn: Date?
    public var valid: Bool
}

/// What the kernel needs of a table's metadata: the voxel resolution its positions are in (nm per unit).
public struct MaterializationTableMetadata: Sendable, Equatable {
    public var table: String
    public var voxelResolution: [Double]
    public var schemaType: String?
    public var referenceTable: String?
}

/// The answers of the materialization service (MaterializationEngine 5, `materialize/api/v3`),
/// decoded strictly: the declared content type must be one the kernel reads, an Arrow stream must
/// end with its end-of-stream marker (a cut stream is a `DataError`, never fewer rows), and every
/// number that becomes a count, version or resolution is checked.
public enum MaterializationDecoding {
    /// The rows of a query answer and what its `Warning` headers say.
    public static func answer(_ response: HTTPResponse, url: String) throws(ConnectomeError) -> MaterializationAnswer {
        let source = "the materialization answer from \(url)"
        let type = (response.headers["content-type"] ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        let table: DataTable
        switch type {
        case "data.arrow": table = try arrowStream(response.body, source: source)
        case "application/json": table = try jsonRecords(response.body, source: source)
        case "x-application/pyarrow":
            throw ConnectomeError.unsupported("\(source) is in the legacy pyarrow serialization (x-application/pyarrow), which no current pyarrow reads",
                                              hint: "The server's MaterializationEngine is older than 4.x; ask its administrators to update it")
        default:
            let shown = CaveAuthError.clean(response.headers["content-type"]) ?? "none"
            throw ConnectomeError.data("\(source) has content type \(shown), not data.arrow or application/json",
                                       hint: "The server did not answer as a materialization service does; check the datastack's local_server")
        }
        let (limited, warnings) = self.warnings(response.headers["warning"])
        return MaterializationAnswer(table: table, limited: limited || table.rowCount == CaveLimits.materializationRowLimit,
                                     warnings: warnings)
    }

    /// Whether a `Warning` header (several joined with ", ") says the rows were limited, and its other warnings.
    public static func warnings(_ header: String?) -> (limited: Bool, others: [String]) {
        guard let header, !header.isEmpty else { return (false, []) }
        var limited = false
        var others: [String] = []
        // Warnings are `201 - "text"`; the transport joins repeated headers with ", ".
        for part in header.components(separatedBy: ", 201 - ").prefix(20) {
            var text = part.hasPrefix("201 - ") ? String(part.dropFirst(6)) : part
            text = text.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            if text.lowercased().contains("limited query to") { limited = true; continue }
            if let line = CaveAuthError.clean(text) { others.append(line) }
        }
        return (limited, others)
    }

    // MARK: - Arrow

    /// An Arrow IPC stream that must end with the end-of-stream marker (pyarrow's writer always writes it).
    public static func arrowStream(_ data: Data, source: String) throws(ConnectomeError) -> DataTable {
        guard data.count >= 8 else {
            throw ConnectomeError.data("\(source) is \(data.count) bytes, too short for an Arrow stream",
                                       hint: "The answer was cut short; run the cell again")
        }
        let ended: Result<Bool, ArrowError> = data.withUnsafeBytes { raw in
            do throws(ArrowError) {
                var position = 0
                var messages = 0
                while let message = try ArrowMessage.read(raw, at: position) {
                    guard message.end > position else { throw ArrowError("a message at byte \(position) does not advance") }
                    position = message.end
                    messages += 1
                }
                // `read` returns nil at an end-of-stream marker and when the bytes run out: tell them apart.
                let rest = raw.count - position
                let marker = rest >= 8 && ArrowMessage.load(raw, position) == 0xFFFF_FFFF && ArrowMessage.load(raw, position + 4) == 0
                    || rest >= 4 && ArrowMessage.load(raw, position) == 0
                return .success(messages > 0 && marker)
            } catch {
                return .failure(error)
            }
        }
        switch ended {
        case .success(true): break
        case .success(false):
            throw ConnectomeError.data("\(source) is an Arrow stream cut short: it ends without its end-of-stream marker (\(data.count) bytes)",
                                       hint: "The connection broke or the server stopped mid-answer; run the cell again")
        case .failure(let error):
            throw ConnectomeError.data("\(source) is not a readable Arrow stream: \(error.message)",
                                       hint: "The answer was cut short or corrupted; run the cell again")
        }
        return try ArrowReader.read(bytes: data, name: source)
    }

    // MARK: - JSON

    /// pandas' `to_json(orient="records")`: an array of flat objects (numbers, strings, booleans, null).
    public static func jsonRecords(_ data: Data, source: String) throws(ConnectomeError) -> DataTable {
        let result: Result<DataTable, ConnectomeError> = data.withUnsafeBytes { raw in
            var parser = JSONRecordsParser(bytes: raw, source: source)
            do throws(ConnectomeError) { return .success(try parser.parse()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    // MARK: - Metadata

    static func parse(_ data: Data, source: String) throws(ConnectomeError) -> JSONValue {
        guard data.count <= CaveLimits.maxInfoBytes * 16 else {
            throw ConnectomeError.outOfRange(source, field: "the body", value: "\(data.count) bytes", allowed: "at most 16 MiB")
        }
        do { return try JSONValue.parse(data) } catch {
            throw ConnectomeError.data("\(source) is not JSON (\(error))", hint: "The server did not answer as a materialization service does")
        }
    }

    /// `GET …/versions`: version numbers, each 0 to 2^31.
    public static func versions(_ data: Data, source: String) throws(ConnectomeError) -> [Int] {
        let values = try parse(data, source: source).arrayValue
        guard let values else { throw ConnectomeError.data("\(source) is not a list of versions") }
        guard values.count <= CaveLimits.maxVersions else {
            throw ConnectomeError.outOfRange(source, field: "the versions", value: values.count, allowed: "at most \(CaveLimits.maxVersions)")
        }
        return try values.enumerated().map { index, value throws(ConnectomeError) in
            guard let version = value.intValue, (0...Int(Int32.max)).contains(version) else {
                throw ConnectomeError.outOfRange(source, field: "version [\(index)]", value: value.text().prefix(40), allowed: "0 to 2147483647")
            }
            return version
        }
    }

    /// `GET …/version/{v}`: `version`, `time_stamp` (ISO without zone = UTC), `expires_on`, `valid`.
    public static func version(_ data: Data, source: String) throws(ConnectomeError) -> MaterializationVersion {
        let json = try parse(data, source: source)
        guard json.objectValue != nil else { throw ConnectomeError.data("\(source) is not a JSON object") }
        guard let version = json["version"]?.intValue, (0...Int(Int32.max)).contains(version) else {
            throw ConnectomeError.outOfRange(source, field: "version", value: json["version"]?.text().prefix(40) ?? "missing", allowed: "0 to 2147483647")
        }
        func date(_ key: String) throws(ConnectomeError) -> Date? {
            guard let value = json[key], !value.isNull else { return nil }
            guard let text = value.stringValue, text.utf8.count <= 64, let date = Timestamp.parseISO8601(text),
                  CaveLimits.unixSecondsRange.contains(date.timeIntervalSince1970) else {
                throw ConnectomeError.data("\(source): \(key) is \(value.text().prefix(60)), not an ISO 8601 date-time from 1970 to 2100")
            }
            return date
        }
        guard let stamp = try date("time_stamp") else { throw ConnectomeError.data("\(source) has no time_stamp") }
        return MaterializationVersion(version: version, timeStamp: stamp, expiresOn: try date("expires_on"),
                                      valid: json["valid"]?.boolValue ?? true)
    }

    /// `GET …/table/{t}/metadata`: `voxel_resolution_x/y/z` (nm per unit, 0.001 to 10^6), schema, reference table.
    public static func tableMetadata(_ data: Data, table: String, source: String) throws(ConnectomeError) -> MaterializationTableMetadata {
        let json = try parse(data, source: source)
        guard json.objectValue != nil else { throw ConnectomeError.data("\(source) is not a JSON object") }
        var resolution: [Double] = []
        for axis in ["x", "y", "z"] {
            let key = "voxel_resolution_" + axis
            guard let value = json[key]?.doubleValue, value.isFinite, value >= 0.001, value <= 1_000_000 else {
                throw ConnectomeError.outOfRange(source, field: key, value: json[key]?.text().prefix(40) ?? "missing",
                                                 allowed: "0.001 to 1000000 nm")
            }
            resolution.append(value)
        }
        let reference = json["reference_table"]?.stringValue.flatMap { $0.isEmpty ? nil : CaveAuthError.clean($0) }
        return MaterializationTableMetadata(table: table, voxelResolution: resolution,
                                            schemaType: CaveAuthError.clean(json["schema_type"]?.stringValue), referenceTable: reference)
    }
}
