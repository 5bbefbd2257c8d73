import Foundation
import JSONModel

/// Request bodies and answers of the chunked-graph API (PyChunkedGraph `segmentation/api/v1`),
/// decoded strictly: every count is checked against what was sent and every ID is an exact
/// unsigned 64-bit integer, or a `DataError` names the field and the value.
public enum ChunkedGraphDecoding {
    /// `{"node_ids": [...]}` with the IDs as JSON integers.
    public static func nodeIDsBody(_ ids: some Collection<SegmentID>, key: String = "node_ids") -> Data {
        let head = Array("{\"\(key)\":[".utf8)
        let capacity = head.count + ids.count * 21 + 2
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let base = buffer.baseAddress!
            var end = head.count
            base.update(from: head, count: head.count)
            digitPairs.withUnsafeBufferPointer { pairs in
                for id in ids {
                    if end > head.count { base[end] = UInt8(ascii: ","); end += 1 }
                    end += writeDecimal(id.rawValue, to: base + end, pairs: pairs.baseAddress!)
                }
            }
            base[end] = UInt8(ascii: "]")
            base[end + 1] = UInt8(ascii: "}")
            initialized = end + 2
        }
        return Data(bytes)
    }

    /// "00" to "99": two digits per division (an ID has 17 to 20).
    static let digitPairs: [UInt8] = {
        var pairs: [UInt8] = []
        for number in 0..<100 {
            pairs.append(UInt8(ascii: "0") + UInt8(number / 10))
            pairs.append(UInt8(ascii: "0") + UInt8(number % 10))
        }
        return pairs
    }()

    /// Writes the decimal digits of `value` at `target` (room for 20) and returns how many; a
    /// String per ID would allocate.
    ///
    /// The digits go straight to `target`, from the end, once their number is known. Written first
    /// into a stack buffer and copied, a 100,000-ID `is_latest_roots` body took 40 ms of CPU on most
    /// runs (10 on others), three quarters of it on the store that cleared the buffer for the next ID.
    @inline(__always)
    static func writeDecimal(_ value: UInt64, to target: UnsafeMutablePointer<UInt8>, pairs: UnsafePointer<UInt8>) -> Int {
        var count = 1
        var threshold: UInt64 = 10
        while count < 20 && value >= threshold {
            count += 1
            threshold &*= 10
        }
        var end = count
        var rest = value
        while rest >= 100 {
            let pair = Int(truncatingIfNeeded: rest % 100) &* 2
            rest /= 100
            end -= 2
            target[end] = pairs[pair]
            target[end + 1] = pairs[pair + 1]
        }
        if rest >= 10 {
            let pair = Int(truncatingIfNeeded: rest) &* 2
            target[0] = pairs[pair]
            target[1] = pairs[pair + 1]
        } else {
            target[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
        }
        return count
    }

    /// The IDs as a little-endian uint64 array (the `roots_binary` body).
    public static func binaryBody(_ ids: some Collection<SegmentID>) -> Data {
        #if _endian(little)
        // A SegmentID is one stored UInt64: on a little-endian host its bytes are the body.
        if let copied = ids.withContiguousStorageIfAvailable({ Data(buffer: $0) }) { return copied }
        #endif
        var data = Data(count: ids.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (position, id) in ids.enumerated() {
                raw.storeBytes(of: id.rawValue.littleEndian, toByteOffset: position * 8, as: UInt64.self)
            }
        }
        return data
    }

    /// `{"is_latest": [bool...]}` with exactly `count` entries.
    public static func isLatest(_ data: Data, count: Int, source: String) throws(ConnectomeError) -> [Bool] {
        if let flags = plainFlags(data, key: "is_latest"), flags.count == count { return flags }
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

    /// The flags of a body that is exactly `{"<key>": [true, false, ...]}` (any JSON whitespace),
    /// read without building a JSON tree; nil for anything else, which the strict path then reads
    /// and words the error of. PyChunkedGraph answers 100,000 flags at a time.
    static func plainFlags(_ data: Data, key: String) -> [Bool]? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Bool]? in
            var position = 0
            let count = raw.count
            func space() {
                while position < count {
                    let byte = raw[position]
                    guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
                    position += 1
                }
            }
            func take(_ text: String) -> Bool {
                for byte in text.utf8 {
                    guard position < count, raw[position] == byte else { return false }
                    position += 1
                }
                return true
            }
            space()
            guard take("{") else { return nil }
            space()
            guard take("\"" + key + "\"") else { return nil }
            space()
            guard take(":") else { return nil }
            space()
            guard take("[") else { return nil }
            var flags: [Bool] = []
            flags.reserveCapacity(count / 5)
            space()
            if position < count, raw[position] == UInt8(ascii: "]") {
                position += 1
            } else {
                while true {
                    space()
                    guard position < count else { return nil }
                    // "true" and "false" by their first and last letters, all of them checked.
                    if position + 4 <= count, raw[position] == UInt8(ascii: "t"), raw[position + 1] == UInt8(ascii: "r"),
                       raw[position + 2] == UInt8(ascii: "u"), raw[position + 3] == UInt8(ascii: "e") {
                        flags.append(true)
                        position += 4
                    } else if position + 5 <= count, raw[position] == UInt8(ascii: "f"), raw[position + 1] == UInt8(ascii: "a"),
                              raw[position + 2] == UInt8(ascii: "l"), raw[position + 3] == UInt8(ascii: "s"), raw[position + 4] == UInt8(ascii: "e") {
                        flags.append(false)
                        position += 5
                    } else {
                        return nil
                    }
                    space()
                    guard position < count else { return nil }
                    let next = raw[position]
                    position += 1
                    if next == UInt8(ascii: "]") { break }
                    guard next == UInt8(ascii: ",") else { return nil }
                }
            }
            space()
            guard take("}") else { return nil }
            space()
            return position == count ? flags : nil
        }
    }

    /// A little-endian uint64 array of exactly `count` IDs (the `roots_binary` answer).
    public static func binaryIDs(_ data: Data, count: Int, source: String) throws(ConnectomeError) -> [SegmentID] {
        guard data.count == count * 8 else {
            throw ConnectomeError.outOfRange(source, field: "the body", value: "\(data.count) bytes",
                                             allowed: "\(count * 8) bytes, one uint64 for each of the \(count) IDs sent")
        }
        return data.withUnsafeBytes { raw in
            [SegmentID](unsafeUninitializedCapacity: count) { target, initialized in
                #if _endian(little)
                // One copy of the bytes (a SegmentID is one stored UInt64); 100,000 roots loaded one by one took 0.3 ms.
                UnsafeMutableRawBufferPointer(target).copyMemory(from: raw)
                #else
                for index in 0..<count {
                    target[index] = SegmentID(rawValue: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
                }
                #endif
                initialized = count
            }
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
