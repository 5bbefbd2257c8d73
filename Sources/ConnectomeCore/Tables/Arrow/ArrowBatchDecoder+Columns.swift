import Foundation

/// Building columns out of decoded parts: dictionaries, lists, half floats.
extension ArrowBatchDecoder {
    /// Dictionary-encoded values: each index must lie inside the dictionary (nulls aside).
    static func decodeDictionary(indices: [Int64], validity: Validity?, dictionary: ColumnData,
                                 _ context: String) throws(ArrowError) -> ColumnData {
        let size = dictionary.count
        var rows = [Int](repeating: 0, count: indices.count)
        for (row, index) in indices.enumerated() where validity?.isValid(row) ?? true {
            guard index >= 0, index < Int64(size) else {
                throw ArrowError("\(context): row \(row) has dictionary index \(index), outside its \(size) values")
            }
            rows[row] = Int(index)
        }
        guard size > 0 else { return .nulls(dictionary.type, count: indices.count) }
        return dictionary.gathering(rows).applyingNulls(validity)
    }

    /// A list column: strings become a list-of-strings column, numbers in threes a vector column.
    static func list(offsets: [Int], values: ColumnData, validity: Validity?, _ context: String) throws(ArrowError) -> ColumnData {
        let first = offsets.first ?? 0
        switch values {
        case .string(let strings):
            let used = Array(first..<(offsets.last ?? first))
            let elements = first == 0 && used.count == strings.count ? strings : used.withUnsafeBufferPointer { strings.gathering($0) }
            return .stringList(StringListColumn(offsets: offsets.map { $0 - first }, elements: elements, validity: validity))
        case .double(let numbers):
            return .vector(try vectors(offsets, validity, numbers.values, numbers.validity, zero: 0.0, context))
        case .int64(let numbers):
            return .intVector(try vectors(offsets, validity, numbers.values, numbers.validity, zero: Int64(0), context))
        case .uint64(let numbers):
            let values = numbers.values.map { Int64(truncatingIfNeeded: $0) }
            guard numbers.values.allSatisfy({ $0 <= UInt64(Int64.max) }) else {
                throw ArrowError("\(context) is a list of uint64 above 2^63, which the kernel does not read as positions", unsupported: true)
            }
            return .intVector(try vectors(offsets, validity, values, numbers.validity, zero: Int64(0), context))
        default:
            throw ArrowError("\(context) is a list of \(values.type); lists of strings and 3-vectors of numbers are read", unsupported: true)
        }
    }

    /// Lists of exactly three non-null numbers per valid row.
    private static func vectors<T: BitwiseCopyable & Sendable & Equatable>(
        _ offsets: [Int], _ validity: Validity?, _ values: [T], _ valueValidity: Validity?, zero: T, _ context: String
    ) throws(ArrowError) -> VectorColumn<T> {
        let rows = offsets.count - 1
        var result = [T](repeating: zero, count: 3 * rows)
        for row in 0..<rows where validity?.isValid(row) ?? true {
            let start = offsets[row], count = offsets[row + 1] - start
            guard count == 3 else {
                throw ArrowError("\(context): row \(row) holds \(count) numbers; number lists are read as 3-vectors (positions)", unsupported: true)
            }
            for axis in 0..<3 {
                if let valueValidity, !valueValidity.isValid(start + axis) {
                    throw ArrowError("\(context): row \(row) has a null coordinate", unsupported: true)
                }
                result[3 * row + axis] = values[start + axis]
            }
        }
        return VectorColumn(values: result, validity: validity)
    }

    /// IEEE 754 binary16 → Double.
    static func halfToDouble(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int(bits >> 10 & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

/// The decompressed bytes a file may produce in all: protects against a small file whose
/// buffers claim (or really decompress to) gigabytes.
final class DecompressionBudget: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    let limit: Int

    /// At least 2 GiB, and 256 times the compressed file (real tables compress 2–20×).
    init(fileSize: Int) {
        limit = max(2 << 30, fileSize.multipliedReportingOverflow(by: 256).overflow ? Int.max : fileSize * 256)
        remaining = limit
    }

    func take(_ bytes: Int, _ what: String) throws(ArrowError) {
        lock.lock()
        defer { lock.unlock() }
        guard bytes <= remaining else {
            throw ArrowError("\(what): the compressed buffers decompress to more than \(limit) bytes in all (256× the file); the file is corrupt or a decompression bomb")
        }
        remaining -= bytes
    }
}

extension ColumnData {
    /// The column with the rows that are null in `validity` made null too.
    func applyingNulls(_ validity: Validity?) -> ColumnData {
        guard let validity else { return self }
        func and(_ own: Validity?) -> Validity? {
            guard let own else { return validity }
            return Validity(words: zip(own.words, validity.words).map { $0 & $1 }, count: validity.count)
        }
        switch self {
        case .uint64(var column): column.validity = and(column.validity)?.simplified; return .uint64(column)
        case .int64(var column): column.validity = and(column.validity)?.simplified; return .int64(column)
        case .double(var column): column.validity = and(column.validity)?.simplified; return .double(column)
        case .bool(var column): column.validity = and(column.validity)?.simplified; return .bool(column)
        case .timestamp(var column, let unit, let zone):
            column.validity = and(column.validity)?.simplified
            return .timestamp(column, unit, timeZone: zone)
        case .string(let column): return .string(column.replacingValidity(and(column.validity)))
        case .stringList(let column): return .stringList(column.replacingValidity(and(column.validity)))
        case .vector(var column): column.validity = and(column.validity)?.simplified; return .vector(column)
        case .intVector(var column): column.validity = and(column.validity)?.simplified; return .intVector(column)
        }
    }
}
