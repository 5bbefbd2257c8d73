import Foundation
import JSONModel

/// A chunked graph's `info` (`GET …/segmentation/table/<t>/info`): a precomputed segmentation
/// `info` of the watershed (supervoxel) volume, plus `data_dir` (where its chunks are), `app` and `graph`.
///
/// The scales are read from this document, the chunks from `data_dir/<scale key>/…`, as neuroglancer's
/// graphene source and CloudVolume's `GrapheneMetadata` do; `data_dir` is not asked for an `info` of its own.
public struct GrapheneInfo: Sendable, Equatable {
    /// The watershed volume's store URL (`gs://…`, `s3://…`, `https://…`).
    public var dataDirectory: String
    /// The watershed's scales, data type and encodings.
    public var watershed: PrecomputedInfo
    /// The node-ID layout of `graph` (`n_layers`, `n_bits_for_layer_id`, `spatial_bit_masks`), when given.
    public var layout: NodeIDLayout?

    public init(dataDirectory: String, watershed: PrecomputedInfo, layout: NodeIDLayout?) {
        self.dataDirectory = dataDirectory
        self.watershed = watershed
        self.layout = layout
    }

    /// Schemes `data_dir` may use: cloud buckets and web servers. `file://` is refused, so that a
    /// server cannot make the kernel read this machine's files.
    public static let dataSchemes = ["gs", "s3", "https", "http"]

    /// The API version the kernel's chunked-graph calls use (`segmentation/api/v1`).
    public static let apiVersion = 1

    /// Decodes and checks the document; errors name the field and the value.
    public static func decode(_ data: Data, source: String) throws -> GrapheneInfo {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw ConnectomeError.data("\(source) is not JSON (\(error))", hint: "The server did not answer as a chunked graph does")
        }
        guard json.objectValue != nil else { throw ConnectomeError.data("\(source) is not a JSON object") }
        guard let dirValue = json["data_dir"] else {
            throw ConnectomeError.data("\(source) has no data_dir (where the watershed volume is)",
                                       hint: "The server did not answer as a chunked graph does")
        }
        guard let dir = dirValue.stringValue else {
            throw ConnectomeError.data("\(source): data_dir is \(dirValue.text().prefix(80)), not a string")
        }
        guard dir.utf8.count <= 4096, dir.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw ConnectomeError.outOfRange(source, field: "data_dir", value: "\"\(dir.prefix(60))…\"",
                                             allowed: "one URL of at most 4096 bytes without spaces")
        }
        var store = dir
        if store.lowercased().hasPrefix("precomputed://") { store = String(store.dropFirst("precomputed://".count)) }
        guard let scheme = CredentialScope.scheme(of: store), dataSchemes.contains(scheme), CredentialScope.host(of: store) != nil else {
            throw ConnectomeError.data("\(source): data_dir is \"\(dir.prefix(120))\", not a gs://, s3:// or http(s):// URL with a plain host",
                                       hint: "The watershed volume must be in a bucket or on a web server")
        }
        if let versions = json["app"]?["supported_api_versions"] {
            guard let list = versions.arrayValue, list.count <= 64, list.allSatisfy({ $0.intValue != nil }) else {
                throw ConnectomeError.data("\(source): app.supported_api_versions is \(versions.text().prefix(80)), not a list of integers")
            }
            guard list.contains(where: { $0.intValue == apiVersion }) else {
                throw ConnectomeError.unsupported(
                    "\(source): the chunked graph supports API versions \(versions.text().prefix(40)), and the kernel speaks version \(apiVersion)",
                    hint: "This server is older or newer than the PyChunkedGraph API the kernel knows")
            }
        }
        let watershed = try PrecomputedInfo(json: json, source: source)
        guard watershed.type == .segmentation, watershed.numChannels == 1,
              [.uint64, .uint32].contains(watershed.dataType) else {
            throw ConnectomeError.data(
                "\(source): the watershed is a \(watershed.type.rawValue) of \(watershed.dataType.rawValue) with \(watershed.numChannels) channels, not a one-channel uint64 segmentation",
                hint: "Supervoxel IDs are uint64 labels")
        }
        var layout: NodeIDLayout?
        if json["graph"] != nil {
            do { layout = try NodeIDLayout(graphInfo: json) } catch {
                throw ConnectomeError.data("\(source): \(error.message)", hint: error.hint)
            }
        }
        return GrapheneInfo(dataDirectory: dir, watershed: watershed, layout: layout)
    }
}
