import Foundation
import JSONModel

/// What CAVE's info service says about a datastack: where its segmentation, tables, viewer and
/// services are (`GET {server}/info/api/v2/datastack/full/{name}`).
public struct CaveDatastack: Sendable, Equatable {
    public var server: String
    public var name: String
    /// `graphene://https://host/segmentation/table/<pcg table>`.
    public var segmentationSource: String
    public var imageSource: String?
    public var synapseTable: String?
    public var somaTable: String?
    /// The precomputed skeleton source (`precomputed://https://…`), read when there is no skeleton service.
    public var skeletonSource: String?
    public var viewerSite: String?
    /// Where chunkedgraph, materialization and the skeleton service live.
    public var localServer: String
    /// Voxel size of the viewer in nanometres, when given.
    public var viewerResolution: [Double]?

    public init(server: String, name: String, segmentationSource: String, imageSource: String? = nil,
                synapseTable: String? = nil, somaTable: String? = nil, skeletonSource: String? = nil, viewerSite: String? = nil,
                localServer: String, viewerResolution: [Double]? = nil) {
        self.server = server
        self.name = name
        self.segmentationSource = segmentationSource
        self.imageSource = imageSource
        self.synapseTable = synapseTable
        self.somaTable = somaTable
        self.skeletonSource = skeletonSource
        self.viewerSite = viewerSite
        self.localServer = localServer
        self.viewerResolution = viewerResolution
    }

    /// The info service URL of datastack `name` on `server`.
    public static func infoURL(server: String, name: String) -> String {
        trimmed(server) + "/info/api/v2/datastack/full/" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name)
    }

    /// Reads the datastack from the info service.
    public static func fetch(server: String, name: String, client: CaveClient) async throws -> CaveDatastack {
        let body = try await client.get(infoURL(server: server, name: name), what: "the datastack \(name)", maxBytes: CaveLimits.maxInfoBytes)
        return try decode(body, server: server, name: name)
    }

    /// Decodes the info service's answer, checking every field the kernel uses.
    public static func decode(_ data: Data, server: String, name: String) throws(ConnectomeError) -> CaveDatastack {
        let source = "the datastack \(name) from \(server)"
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw ConnectomeError.data("\(source) is not JSON (\(error))", hint: "Check that server= is a CAVE server")
        }
        guard let object = json.objectValue else { throw ConnectomeError.data("\(source) is not a JSON object") }
        func text(_ key: String, in object: [String: JSONValue] = object) throws(ConnectomeError) -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let string = value.stringValue else {
                throw ConnectomeError.data("\(source): \(key) is \(value.text().prefix(80)), not a string")
            }
            guard string.utf8.count <= 4096, string.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                throw ConnectomeError.outOfRange(source, field: key, value: "\"\(string.prefix(60))…\"",
                                                 allowed: "one line of at most 4096 bytes")
            }
            return string.isEmpty ? nil : string
        }
        func url(_ key: String, in object: [String: JSONValue] = object) throws(ConnectomeError) -> String? {
            guard let value = try text(key, in: object) else { return nil }
            guard value.contains("://") else {
                throw ConnectomeError.data("\(source): \(key) is \"\(value.prefix(120))\", not a URL")
            }
            return value
        }
        guard let segmentation = try url("segmentation_source") else {
            throw ConnectomeError.data("\(source) has no segmentation_source", hint: "The datastack must name its segmentation")
        }
        guard let local = try url("local_server") else {
            throw ConnectomeError.data("\(source) has no local_server", hint: "The datastack must name the server of its chunked graph")
        }
        guard let scheme = CredentialScope.scheme(of: local), ["http", "https"].contains(scheme), CredentialScope.host(of: local) != nil else {
            throw ConnectomeError.data("\(source): local_server is \"\(local.prefix(120))\", not an http(s) URL with a plain host")
        }
        var image: String?
        if let aligned = object["aligned_volume"]?.objectValue { image = try url("image_source", in: aligned) }
        var resolution: [Double]? = nil
        let keys = ["viewer_resolution_x", "viewer_resolution_y", "viewer_resolution_z"]
        if keys.allSatisfy({ object[$0] != nil && object[$0]?.isNull == false }) {
            resolution = []
            for key in keys {
                guard let value = object[key]?.doubleValue, value.isFinite, value >= 0.001, value <= 1_000_000 else {
                    throw ConnectomeError.outOfRange(source, field: key, value: object[key]!.text().prefix(40),
                                                     allowed: "0.001 to 1000000 nm")
                }
                resolution!.append(value)
            }
        }
        // A skeleton source is read over the network only: an info service must not make the kernel read local files.
        var skeletons = try url("skeleton_source")
        if let given = skeletons {
            let inner = given.hasPrefix("precomputed://") ? String(given.dropFirst("precomputed://".count)) : given
            guard let scheme = CredentialScope.scheme(of: inner), ["http", "https", "gs", "s3"].contains(scheme) else {
                throw ConnectomeError.data("\(source): skeleton_source is \"\(given.prefix(120))\", not a precomputed source on http(s)://, gs:// or s3://")
            }
            skeletons = "precomputed://" + inner
        }
        return CaveDatastack(server: server, name: name, segmentationSource: segmentation, imageSource: image,
                             synapseTable: try text("synapse_table"), somaTable: try text("soma_table"), skeletonSource: skeletons,
                             viewerSite: try url("viewer_site"), localServer: trimmed(local), viewerResolution: resolution)
    }

    /// The chunked-graph table: the last path component of the segmentation source.
    public var graphTable: String? {
        guard segmentationSource.hasPrefix("graphene://") else { return nil }
        let name = segmentationSource.split(separator: "/").last.map(String.init) ?? ""
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) else {
            return nil
        }
        return name
    }

    /// The segmentation source as neuroglancer writes it: `graphene://middleauth+https://…`.
    public var neuroglancerSegmentation: String {
        let prefix = "graphene://"
        guard segmentationSource.hasPrefix(prefix) else { return segmentationSource }
        let rest = segmentationSource.dropFirst(prefix.count)
        return rest.hasPrefix("middleauth+") ? segmentationSource : prefix + "middleauth+" + rest
    }

    /// The kernel's dataset for this datastack, keeping what `base` knows that the info service does not say.
    public func dataset(base: DatasetDescription) -> DatasetDescription {
        var dataset = base
        if let image = imageSource {
            let url = image.hasPrefix("precomputed://") ? image : "precomputed://" + image
            dataset.imageLayers = [("image", url)]
        }
        dataset.segmentationURL = neuroglancerSegmentation
        if let viewerResolution { dataset.voxelSize = viewerResolution }
        if let viewerSite { dataset.viewerBase = viewerSite.hasSuffix("/") ? viewerSite : viewerSite + "/" }
        return dataset
    }

    static func trimmed(_ url: String) -> String {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
