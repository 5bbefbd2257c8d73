import Foundation
import JSONModel

extension PrecomputedInfo {
    /// Parses and validates the bytes of an `info` file; errors name the field and the bad value.
    public static func parse(_ data: Data, source: String = "info") throws -> PrecomputedInfo {
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw ConnectomeError.data("\(source) is not valid JSON: \(error)",
                                       hint: "Check that the URL points at a precomputed volume's directory")
        }
        return try PrecomputedInfo(json: json, source: source)
    }

    /// Reads an `info` document already parsed as JSON.
    public init(json: JSONValue, source: String = "info") throws {
        let reader = FieldReader(source: source)
        guard case .object = json else {
            throw reader.bad("the document", json, expected: "a JSON object")
        }
        if let typeName = json["@type"]?.stringValue, typeName != "neuroglancer_multiscale_volume" {
            throw ConnectomeError.unsupported(
                "\(source): @type is \"\(typeName)\", not a neuroglancer_multiscale_volume",
                hint: "Only precomputed volumes are read as images or segmentations")
        }
        let typeName = try reader.string(json, "type")
        guard let type = VolumeType(rawValue: typeName) else {
            throw reader.bad("type", json["type"], expected: "\"image\" or \"segmentation\"")
        }
        let dataTypeName = try reader.string(json, "data_type")
        guard let dataType = VoxelDataType(rawValue: dataTypeName) else {
            throw reader.bad("data_type", json["data_type"],
                             expected: "one of " + VoxelDataType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let numChannels = try reader.int(json, "num_channels", default: 1)
        // Every voxel is held num_channels times; a million channels would make a 4 × 4 read gigabytes.
        guard (1...1024).contains(numChannels) else {
            throw reader.bad("num_channels", json["num_channels"], expected: "1 to 1024")
        }
        guard let scaleValues = json["scales"]?.arrayValue, !scaleValues.isEmpty else {
            throw reader.bad("scales", json["scales"], expected: "a non-empty array of scales")
        }
        var scales: [PrecomputedScale] = []
        for (index, value) in scaleValues.enumerated() {
            scales.append(try PrecomputedScale(json: value, field: "scales[\(index)]", dataType: dataType,
                                               numChannels: numChannels, reader: reader))
        }
        self.init(type: type, dataType: dataType, numChannels: numChannels, scales: scales,
                  mesh: json["mesh"]?.stringValue, skeletons: json["skeletons"]?.stringValue,
                  segmentProperties: json["segment_properties"]?.stringValue)
    }

    /// The `info` document in neuroglancer's format (what the sample writer stores).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "@type": "neuroglancer_multiscale_volume",
            "type": .string(type.rawValue),
            "data_type": .string(dataType.rawValue),
            "num_channels": .int(Int64(numChannels)),
            "scales": .array(scales.map(\.json)),
        ]
        if let mesh { object["mesh"] = .string(mesh) }
        if let skeletons { object["skeletons"] = .string(skeletons) }
        if let segmentProperties { object["segment_properties"] = .string(segmentProperties) }
        return .object(object)
    }
}

extension PrecomputedScale {
    init(json: JSONValue, field: String, dataType: VoxelDataType, numChannels: Int, reader: FieldReader) throws {
        guard case .object = json else { throw reader.bad(field, json, expected: "a JSON object") }
        let key = try reader.string(json, "key", in: field)
        let size = try reader.triple(json, "size", in: field, minimum: 1)
        let resolution = try reader.doubleTriple(json, "resolution", in: field)
        let voxelOffset = json["voxel_offset"] == nil || json["voxel_offset"]!.isNull
            ? [0, 0, 0] : try reader.triple(json, "voxel_offset", in: field, minimum: nil)
        guard let chunkValues = json["chunk_sizes"]?.arrayValue, !chunkValues.isEmpty else {
            throw reader.bad("\(field).chunk_sizes", json["chunk_sizes"], expected: "a non-empty array of [x, y, z]")
        }
        var chunkSizes: [[Int]] = []
        for (index, value) in chunkValues.enumerated() {
            chunkSizes.append(try reader.triple(value, name: "\(field).chunk_sizes[\(index)]", minimum: 1))
        }
        let encodingName = try reader.string(json, "encoding", in: field)
        let encoding = PrecomputedEncoding(name: encodingName)
        var blockSize: [Int]?
        switch encoding {
        case .jpeg:
            guard dataType == .uint8 else {
                throw reader.mismatch(field, "jpeg", dataType, allowed: "uint8")
            }
            guard numChannels == 1 || numChannels == 3 else {
                throw reader.bad("num_channels", .int(Int64(numChannels)), expected: "1 or 3 for jpeg (\(field))")
            }
        case .png:
            guard dataType == .uint8 || dataType == .uint16 else {
                throw reader.mismatch(field, "png", dataType, allowed: "uint8 or uint16")
            }
            guard (1...4).contains(numChannels) else {
                throw reader.bad("num_channels", .int(Int64(numChannels)), expected: "1 to 4 for png (\(field))")
            }
        case .compressedSegmentation:
            guard dataType == .uint32 || dataType == .uint64 else {
                throw reader.mismatch(field, "compressed_segmentation", dataType, allowed: "uint32 or uint64")
            }
            blockSize = try reader.triple(json["compressed_segmentation_block_size"] ?? .null,
                                          name: "\(field).compressed_segmentation_block_size", minimum: 1)
        case .raw, .unsupported:
            break
        }
        var sharding: ShardingSpec?
        if let shardingValue = json["sharding"], !shardingValue.isNull {
            sharding = try ShardingSpec(json: shardingValue, field: "\(field).sharding", reader: reader)
            guard chunkSizes.count == 1 else {
                throw reader.bad("\(field).chunk_sizes", json["chunk_sizes"], expected: "exactly one chunk size when sharded")
            }
        }
        self.init(key: key, size: size, resolution: resolution, voxelOffset: voxelOffset, chunkSizes: chunkSizes,
                  encoding: encoding, compressedSegmentationBlockSize: blockSize, sharding: sharding)
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "key": .string(key),
            "size": .array(size.map { .int(Int64($0)) }),
            "resolution": .array(resolution.map { $0.rounded() == $0 ? .int(Int64($0)) : .double($0) }),
            "voxel_offset": .array(voxelOffset.map { .int(Int64($0)) }),
            "chunk_sizes": .array(chunkSizes.map { .array($0.map { .int(Int64($0)) }) }),
            "encoding": .string(encoding.description),
        ]
        if let compressedSegmentationBlockSize {
            object["compressed_segmentation_block_size"] = .array(compressedSegmentationBlockSize.map { .int(Int64($0)) })
        }
        if let sharding { object["sharding"] = sharding.json }
        return .object(object)
    }
}

extension ShardingSpec {
    init(json: JSONValue, field: String, reader: FieldReader) throws {
        guard case .object = json else { throw reader.bad(field, json, expected: "a JSON object") }
        let typeName = try reader.string(json, "@type", in: field)
        guard typeName == "neuroglancer_uint64_sharded_v1" else {
            throw ConnectomeError.unsupported("\(reader.source): \(field).@type is \"\(typeName)\"",
                                              hint: "Only neuroglancer_uint64_sharded_v1 sharding is read")
        }
        let hashName = try reader.string(json, "hash", in: field)
        guard let hash = Hash(rawValue: hashName) else {
            throw reader.bad("\(field).hash", json["hash"], expected: "\"identity\" or \"murmurhash3_x86_128\"")
        }
        let preshift = try reader.int(json, "preshift_bits", in: field)
        let minishardBits = try reader.int(json, "minishard_bits", in: field)
        let shardBits = try reader.int(json, "shard_bits", in: field)
        guard (0...64).contains(preshift) else {
            throw reader.bad("\(field).preshift_bits", json["preshift_bits"], expected: "0 to 64")
        }
        guard (0...32).contains(minishardBits) else {
            throw reader.bad("\(field).minishard_bits", json["minishard_bits"], expected: "0 to 32")
        }
        guard (0...64).contains(shardBits), minishardBits + shardBits <= 64 else {
            throw reader.bad("\(field).shard_bits", json["shard_bits"], expected: "0 to \(64 - minishardBits)")
        }
        func encoding(_ key: String) throws -> DataEncoding {
            guard let value = json[key], !value.isNull else { return .raw }
            guard let name = value.stringValue, let encoding = DataEncoding(rawValue: name) else {
                throw reader.bad("\(field).\(key)", value, expected: "\"raw\" or \"gzip\"")
            }
            return encoding
        }
        self.init(preshiftBits: preshift, hash: hash, minishardBits: minishardBits, shardBits: shardBits,
                  minishardIndexEncoding: try encoding("minishard_index_encoding"),
                  dataEncoding: try encoding("data_encoding"))
    }

    var json: JSONValue {
        [
            "@type": "neuroglancer_uint64_sharded_v1",
            "preshift_bits": .int(Int64(preshiftBits)),
            "hash": .string(hash.rawValue),
            "minishard_bits": .int(Int64(minishardBits)),
            "shard_bits": .int(Int64(shardBits)),
            "minishard_index_encoding": .string(minishardIndexEncoding.rawValue),
            "data_encoding": .string(dataEncoding.rawValue),
        ]
    }
}

/// Reads typed fields out of an `info` object and words the errors: field path, bad value, expectation.
struct FieldReader {
    let source: String

    func bad(_ field: String, _ value: JSONValue?, expected: String) -> ConnectomeError {
        let shown = value.map { $0.text() } ?? "missing"
        return ConnectomeError.data("\(source): \(field) is \(shown); expected \(expected)",
                                    hint: "The volume's info file does not follow the precomputed format")
    }

    func mismatch(_ field: String, _ encoding: String, _ dataType: VoxelDataType, allowed: String) -> ConnectomeError {
        ConnectomeError.data("\(source): \(field).encoding \"\(encoding)\" needs data_type \(allowed), not \(dataType.rawValue)",
                             hint: "The volume's info file does not follow the precomputed format")
    }

    private func path(_ key: String, _ parent: String?) -> String { parent.map { "\($0).\(key)" } ?? key }

    func string(_ object: JSONValue, _ key: String, in parent: String? = nil) throws -> String {
        guard let value = object[key]?.stringValue else { throw bad(path(key, parent), object[key], expected: "a string") }
        return value
    }

    func int(_ object: JSONValue, _ key: String, in parent: String? = nil, default fallback: Int? = nil) throws -> Int {
        guard let value = object[key], !value.isNull else {
            if let fallback { return fallback }
            throw bad(path(key, parent), nil, expected: "an integer")
        }
        guard let int = value.intValue else { throw bad(path(key, parent), value, expected: "an integer") }
        return int
    }

    /// Sizes, offsets and chunk shapes are at most 2^40 in magnitude, so sums and chunk counts cannot overflow.
    static let largestExtent = 1 << 40

    func triple(_ object: JSONValue, _ key: String, in parent: String, minimum: Int?) throws -> [Int] {
        try triple(object[key] ?? .null, name: path(key, parent), minimum: minimum)
    }

    func triple(_ value: JSONValue, name: String, minimum: Int?) throws -> [Int] {
        let bound = Self.largestExtent
        let expectation = "three integers from \(minimum ?? -bound) to \(bound) (2^40)"
        guard let array = value.arrayValue, array.count == 3 else { throw bad(name, value, expected: expectation) }
        let ints = array.compactMap(\.intValue)
        guard ints.count == 3, ints.allSatisfy({ ((minimum ?? -bound)...bound).contains($0) }) else {
            throw bad(name, value, expected: expectation)
        }
        return ints
    }

    func doubleTriple(_ object: JSONValue, _ key: String, in parent: String) throws -> [Double] {
        let value = object[key] ?? .null
        guard let array = value.arrayValue, array.count == 3 else {
            throw bad(path(key, parent), object[key], expected: "three positive numbers")
        }
        let doubles = array.compactMap(\.doubleValue)
        guard doubles.count == 3, doubles.allSatisfy({ $0 > 0 }) else {
            throw bad(path(key, parent), value, expected: "three positive numbers")
        }
        return doubles
    }
}
