import JSONModel

/// One data source of a layer: a URL, optionally with subsources, a transform and other settings.
///
/// Neuroglancer writes `source` as a URL string, as an object `{url, subsources, …}`, or as a list
/// of those; a source with nothing but a URL is written back as the plain string.
public struct DataSource: Sendable, Hashable {
    public var url: String
    /// `subsources`: name → `true`/`false` or an object; nil when not given.
    public var subsources: [String: JSONValue]?
    public var enableDefaultSubsources: Bool?
    /// Other members (`transform`, `state`, …) kept as read.
    public var extra: [String: JSONValue]

    public init(url: String, subsources: [String: JSONValue]? = nil, enableDefaultSubsources: Bool? = nil,
                extra: [String: JSONValue] = [:]) {
        self.url = url
        self.subsources = subsources
        self.enableDefaultSubsources = enableDefaultSubsources
        self.extra = extra
    }

    init(json: JSONValue, path: String) throws(ConnectomeError) {
        if case .string(let url) = json {
            self.init(url: url)
            return
        }
        var reader = try JSONObjectReader(json, path: path)
        guard let url = try reader.string("url") else {
            throw ConnectomeError.data("viewer state: `\(path)` has no `url`; a layer source is a URL string or {\"url\": …}")
        }
        var subsources: [String: JSONValue]?
        if let value = reader.take("subsources") {
            guard case .object(let object) = value else {
                throw reader.fail("subsources", value, expected: "an object of subsource name → true/false")
            }
            subsources = object
        }
        self.init(url: url, subsources: subsources, enableDefaultSubsources: try reader.bool("enableDefaultSubsources"),
                  extra: reader.rest)
    }

    var json: JSONValue {
        if subsources == nil, enableDefaultSubsources == nil, extra.isEmpty { return .string(url) }
        var writer = JSONObjectWriter(extra)
        writer.set("url", url)
        writer.set("subsources", subsources.map(JSONValue.object))
        writer.set("enableDefaultSubsources", enableDefaultSubsources)
        return writer.json
    }

    /// Reads a layer's `source` member (string, object or list) into a list.
    static func list(_ json: JSONValue?, path: String) throws(ConnectomeError) -> [DataSource] {
        guard let json else { return [] }
        if case .array(let elements) = json {
            var result: [DataSource] = []
            for (index, element) in elements.enumerated() {
                result.append(try DataSource(json: element, path: "\(path)[\(index)]"))
            }
            return result
        }
        return [try DataSource(json: json, path: path)]
    }

    /// A layer's `source` member for a list of sources; nil for none.
    static func json(_ sources: [DataSource]) -> JSONValue? {
        switch sources.count {
        case 0: return nil
        case 1: return sources[0].json
        default: return .array(sources.map(\.json))
        }
    }
}
