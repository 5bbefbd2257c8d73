import Foundation
import ImageCodecs

/// Reading out of `neuroglancer_uint64_sharded_v1` shard files: the one path volume chunks,
/// skeletons (and later meshes) share.
extension ShardingSpec {
    /// The minishard index `minishard` of the shard file at `shardKey`: its 16-byte entry in the
    /// shard index, then the index itself (gunzipped when `minishard_index_encoding` says so).
    /// A missing shard file or an empty minishard is `.empty`; `storeURL` names the store in errors.
    func readMinishardIndex(store: any KeyValueStore, shardKey: String, minishard: UInt64,
                            storeURL: String) async throws -> MinishardIndex {
        let entryStart = Int(minishard) * 16
        guard let entry = try await store.read(shardKey, range: entryStart..<(entryStart + 16)) else { return .empty }
        guard entry.count == 16 else {
            throw ConnectomeError.data("shard \(storeURL)/\(shardKey) is \(entryStart + entry.count) bytes, too short for its shard index",
                                       hint: "The shard file is damaged or the sharding spec does not match it")
        }
        let (start, end) = entry.withUnsafeBytes {
            (UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)),
             UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        guard start <= end, end < UInt64(Int.max / 2) else {
            throw ConnectomeError.data("shard \(storeURL)/\(shardKey): minishard \(minishard) has the bad range \(start)..<\(end)",
                                       hint: "The shard file is damaged or the sharding spec does not match it")
        }
        // Checked before the request: a corrupt index must not make the kernel fetch gigabytes.
        guard end - start <= UInt64(DataLimits.maxMinishardIndexBytes) else {
            throw ConnectomeError.outOfRange(
                "\(storeURL)/\(shardKey)", field: "the shard index entry of minishard \(minishard)",
                value: "the byte range \(start)..<\(end) (\(end - start) bytes)",
                allowed: "a minishard index of at most \(DataLimits.describe(bytes: DataLimits.maxMinishardIndexBytes))",
                hint: "The shard file is damaged or the sharding spec does not match it")
        }
        if start == end { return .empty }
        let base = shardIndexBytes
        let range = (base + Int(start))..<(base + Int(end))
        guard var data = try await store.read(shardKey, range: range), data.count == range.count else {
            throw ConnectomeError.data("shard \(storeURL)/\(shardKey) ends before its minishard index \(minishard) (bytes \(range))")
        }
        if minishardIndexEncoding == .gzip {
            data = try gunzipStoredObject(data, what: "minishard index \(minishard) of \(storeURL)/\(shardKey)",
                                          maximumBytes: DataLimits.maxMinishardIndexBytes,
                                          holds: "a minishard index (the kernel's limit)")
        }
        return try MinishardIndex(decoding: data, shardIndexBytes: base, source: "\(storeURL)/\(shardKey)")
    }

    /// The stored bytes of object `id` (a segment ID for skeletons and meshes), gunzipped when
    /// `data_encoding` is gzip; nil when the shard or the minishard has no such object.
    /// `key` turns a shard file name into a store key; `minishardIndex` fetches (or recalls) an index.
    func readObject(_ id: UInt64, store: any KeyValueStore, storeURL: String, key: (String) -> String,
                    minishardIndex: (_ shardKey: String, _ minishard: UInt64) async throws -> MinishardIndex) async throws -> Data? {
        let location = location(of: id)
        let shardKey = key(shardFileName(location.shard))
        let index = try await minishardIndex(shardKey, location.minishard)
        guard let range = index.range(of: id) else { return nil }
        // Checked before the request: a corrupt index must not make the kernel fetch gigabytes.
        guard range.count <= DataLimits.maxObjectBytes else {
            throw ConnectomeError.outOfRange(
                "\(storeURL)/\(shardKey)", field: "the minishard index entry of object \(id)",
                value: "the byte range \(range.lowerBound)..<\(range.upperBound) (\(range.count) bytes)",
                allowed: "an object of at most \(DataLimits.describe(bytes: DataLimits.maxObjectBytes))",
                hint: "The shard file is damaged or the sharding spec does not match it")
        }
        guard let data = try await store.read(shardKey, range: range) else { return nil }
        guard data.count == range.count else {
            throw ConnectomeError.data("shard \(storeURL)/\(shardKey) ends inside object \(id) (bytes \(range))",
                                       hint: "The shard file is truncated")
        }
        guard dataEncoding == .gzip else { return data }
        return try gunzipStoredObject(data, what: "object \(id) in \(storeURL)/\(shardKey)",
                                      maximumBytes: DataLimits.maxObjectBytes, holds: "one stored object (the kernel's limit)")
    }
}

/// Inflates a stored object, which may not exceed `maximumBytes` (what `holds` can hold): a gzip
/// bomb is a `.data` error naming the object and the limit, not an allocation of terabytes.
func gunzipStoredObject(_ data: Data, what: String, maximumBytes: Int, holds: String) throws -> Data {
    do {
        return try Gzip.decompress(data, maximumBytes: maximumBytes)
    } catch where error.exceededLimit != nil {
        throw ConnectomeError.data(
            "\(what): its \(data.count) bytes of gzip inflate to more than \(maximumBytes) bytes, the most \(holds) can hold",
            hint: "The stored object is damaged or is not this chunk (a decompression bomb looks like this)")
    } catch {
        throw ConnectomeError.data("\(what) is not valid gzip: \(error)", hint: "The stored object is damaged")
    }
}
