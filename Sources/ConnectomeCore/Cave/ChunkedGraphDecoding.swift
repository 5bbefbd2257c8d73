import Foundation
import JSONModel

/// Request bodies and answers of the chunked-graph API (PyChunkedGraph `segmentation/api/v1`),
/// decoded strictly: every count is checked against what was sent and every ID is an exact
/// unsigned 64-bit integer, or a `DataError` names the field and the value.
public enum ChunkedGraphDecoding {
    /// `{"node_ids": [...]}` with the IDs as JSON integers.
    public static func nodeIDsBody(_ ids: some Collection<SegmentID>, key: String = "node_ids") -> Data {
        var text = "{\"\(key)\":["
        text.reserveCapacity(ids.count * 21 + 16)
        var first = true
        for id in ids {
            if !first { text += "," }
            text += String(id.rawValue)
            first = false
        }
        text += "]}"
        return Data(text.utf8)
    }

    /// The IDs as a little-endian uint64 array (the `roots_binary` body).
    public static func binaryBody(_ ids: some Collection<SegmentID>) -> Data {
        var data = Data(capacity: ids.count * 8)
        for id in ids {
            withUnsafeBytes(of: id.rawValue.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// `{"is_latest": [bool...]}` with exactly `count` entries.
    public static func isLatest(_ data: Data, count: Int, source: String) throws(ConnectomeError) -> [Bool] {
        let values = try array(data, key: "is_latest", count: count, source: source)
        var result: [Bool] = []
        result.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard let flag = value.boolValue else {
                throw ConnectomeError.data("\(source): is_latest[\(index)] is \(value.text().prefix(40)), not true or false")
            }
            result.append(flag)
        }
        return result
    }

    /// A little-endian uint64 array of exactly `count` IDs (the `roots_binary` answer).
    public static func binaryIDs(_ data: Data, count: Int, source: String) throws(ConnectomeError) -> [SegmentID] {
        guard data.count == count * 8 else {
            throw ConnectomeError.outOfRange(source, field: "the body", value: "\(data.count) bytes",
                                             allowed: "\(count * 8) bytes, one uint64 for each of the \(count) IDs sent")
        }
        return data.withUnsafeBytes { raw in
            (0..<count).map { SegmentID(rawValue: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
    }

    /// `{"leaf_ids": [...]}`: at most `CaveLimits.maxLeaves` IDs (integers, or strings with `int64_as_str`).
    public static func leafIDs(_ data: Data, source: String) throws(ConnectomeError) -> [SegmentID] {
        let values = try array(data, key: "leaf_ids", count: nil, source: source)
        guard values.count <= CaveLimits.maxLeaves else {
            throw ConnectomeError.outOfRange(source, field: "leaf_ids", value: "\(values.count) IDs",
                                             allowed: "at most \(CaveLimits.maxLeaves)")
        }
        return try ids(values, field: "leaf_ids", source: source)
    }

    /// Exact uint64s from JSON integers or decimal strings.
    static func ids(_ values: [JSONValue], field: String, source: String) throws(ConnectomeError) -> [SegmentID] {
        var result: [SegmentID] = []
        result.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            switch value {
            case .uint(let raw): result.append(SegmentID(rawValue: raw))
            case .int(let raw) where raw >= 0: result.append(SegmentID(rawValue: UInt64(raw)))
            case .string(let text) where text.utf8.count <= 20 && text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) && UInt64(text) != nil:
                result.append(SegmentID(rawValue: UInt64(text)!))
            default:
                throw ConnectomeError.data("\(source): \(field)[\(index)] is \(value.text().prefix(40)), not an unsigned 64-bit ID")
            }
        }
        return result
    }

    /// The array under `key` of a JSON object, with `count` elements when given.
    static func array(_ data: Data, key: String, count: Int?, source: String) throws(ConnectomeError) -> [JSONValue] {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw ConnectomeError.data("\(source) is not JSON (\(error))", hint: "The server did not answer as a chunked graph does")
        }
        guard let value = json[key] else {
            throw ConnectomeError.data("\(source) has no \(key)", hint: "The server did not answer as a chunked graph does")
        }
        guard let values = value.arrayValue else {
            throw ConnectomeError.data("\(source): \(key) is \(value.text().prefix(40)), not a list")
        }
        if let count, values.count != count {
            throw ConnectomeError.outOfRange(source, field: "\(key) (its length)", value: values.count,
                                             allowed: "\(count), one entry for each ID sent")
        }
        return values
    }

    /// Unix seconds for the `timestamp=` query parameter: an integer when whole, else microseconds.
    public static func timestampParameter(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        if seconds.rounded() == seconds, abs(seconds) < 1e15 { return String(Int64(seconds)) }
        return String(format: "%.6f", seconds)
    }
}
