import Foundation
import JSONModel

extension StackInfo {
    /// Parses the answer of `GET {server}/{project}/stack/{id}/info`.
    ///
    /// `source` names where the bytes came from, for messages. Anything that is not a CATMAID stack
    /// info (an HTML login page, a `{"error": …}` answer, a missing key) is a `.data` error that says
    /// what was found instead.
    public static func parse(_ data: Data, source: String) throws(ConnectomeError) -> StackInfo {
        let json = try CatmaidJSON.parseObject(data, source: source, expecting: "a CATMAID stack info object")
        let reader = CatmaidJSON.Reader(json: json, source: source, what: "stack info")
        let mirrorsJSON = try reader.array("mirrors")
        let mirrors = try mirrorsJSON.enumerated().map { index, value throws(ConnectomeError) in
            try StackMirror.parse(value, source: "\(source) mirrors[\(index)]")
        }
        let orientationNumber = try reader.optionalInt("orientation") ?? 0
        guard let orientation = StackOrientation(rawValue: orientationNumber) else {
            throw ConnectomeError.data("\(source): stack orientation \(orientationNumber) is not one of 0 (XY), 1 (XZ), 2 (ZY)")
        }
        let info = StackInfo(
            id: try reader.int("sid"),
            projectID: try reader.int("pid"),
            projectTitle: reader.optionalString("ptitle"),
            title: try reader.string("stitle"),
            dimension: try reader.extent("dimension"),
            resolution: try reader.vector("resolution"),
            translation: try reader.optionalVector("translation") ?? StackVector(x: 0, y: 0, z: 0),
            downsampleFactors: try reader.downsampleFactors(),
            numZoomLevels: (try reader.optionalInt("num_zoom_levels")).flatMap { $0 > 0 ? $0 : nil },
            orientation: orientation,
            brokenSections: try reader.brokenSections(),
            mirrors: mirrors,
            placeholderColor: try reader.placeholderColor(),
            metadata: json["metadata"].flatMap { $0.isNull ? JSONValue?.none : $0 },
            comment: reader.optionalString("comment"),
            description: reader.optionalString("description"),
            attribution: reader.optionalString("attribution"),
            canaryLocation: try reader.optionalExtent("canary_location"),
            raw: json)
        try info.checkLimits(source: source)
        return info
    }

    /// Geometry within `DataLimits`, so that zoom levels, level shapes and tile grids computed from
    /// it cannot overflow or trap (NaN and infinite numbers arrive as strings such as "inf").
    func checkLimits(source: String) throws(ConnectomeError) {
        let axes = ["x", "y", "z"]
        let extent = [dimension.x, dimension.y, dimension.z]
        for axis in 0..<3 where !(1...DataLimits.maxAxisVoxels).contains(extent[axis]) {
            throw ConnectomeError.outOfRange(source, field: "dimension.\(axes[axis])", value: extent[axis],
                                             allowed: "1 to 2^40 voxels")
        }
        for axis in 0..<3 where !(resolution[axis] > 0 && resolution[axis].isFinite) {
            throw ConnectomeError.outOfRange(source, field: "resolution.\(axes[axis])", value: resolution[axis],
                                             allowed: "a finite number of nanometres above 0")
        }
        // World positions are turned into voxel indices; past 1e15 nm (1,000 km) that no longer fits an Int.
        for axis in 0..<3 where !(translation[axis].isFinite && abs(translation[axis]) <= 1e15) {
            throw ConnectomeError.outOfRange(source, field: "translation.\(axes[axis])", value: translation[axis],
                                             allowed: "a finite number of nanometres up to 1e15")
        }
        if let numZoomLevels, numZoomLevels > DataLimits.maxZoomLevels {
            throw ConnectomeError.outOfRange(source, field: "num_zoom_levels", value: numZoomLevels,
                                             allowed: "at most \(DataLimits.maxZoomLevels)")
        }
        if let downsampleFactors {
            guard downsampleFactors.count <= DataLimits.maxZoomLevels + 1 else {
                throw ConnectomeError.outOfRange(source, field: "downsample_factors",
                                                 value: "a list of \(downsampleFactors.count) levels",
                                                 allowed: "at most \(DataLimits.maxZoomLevels + 1) levels")
            }
            for (level, factor) in downsampleFactors.enumerated() {
                // A zoom level is never finer than level 0: factors below 1 would grow the stack past its size.
                for axis in 0..<3 where !(factor[axis] >= 1 && factor[axis].isFinite) {
                    throw ConnectomeError.outOfRange(source, field: "downsample_factors[\(level)].\(axes[axis])",
                                                     value: factor[axis], allowed: "a finite factor of at least 1")
                }
            }
        }
        if let canaryLocation {
            let location = [canaryLocation.x, canaryLocation.y, canaryLocation.z]
            for axis in 0..<3 where !(-DataLimits.maxAxisVoxels...DataLimits.maxAxisVoxels).contains(location[axis]) {
                throw ConnectomeError.outOfRange(source, field: "canary_location.\(axes[axis])", value: location[axis],
                                                 allowed: "-2^40 to 2^40 voxels")
            }
        }
    }
}

extension StackSummary {
    /// Parses the answer of `GET {server}/{project}/stacks`: a list of `{id, pid, title, comment}`.
    public static func parseList(_ data: Data, source: String) throws(ConnectomeError) -> [StackSummary] {
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw CatmaidJSON.notJSON(data, source: source, expecting: "a list of CATMAID stacks")
        }
        try CatmaidJSON.rejectErrorAnswer(json, source: source)
        guard let items = json.arrayValue else {
            throw ConnectomeError.data("\(source) is not a list of CATMAID stacks: found \(CatmaidJSON.kind(of: json))",
                                       hint: "check the server URL and project id")
        }
        return try items.enumerated().map { index, item throws(ConnectomeError) in
            let reader = CatmaidJSON.Reader(json: item, source: "\(source)[\(index)]", what: "stack summary")
            return StackSummary(id: try reader.int("id"), projectID: try reader.int("pid"),
                                title: try reader.string("title"), comment: reader.optionalString("comment"))
        }
    }
}

extension StackMirror {
    static func parse(_ json: JSONValue, source: String) throws(ConnectomeError) -> StackMirror {
        let reader = CatmaidJSON.Reader(json: json, source: source, what: "stack mirror")
        return StackMirror(
            id: try reader.int("id"),
            title: reader.optionalString("title") ?? "",
            imageBase: try reader.string("image_base"),
            tileWidth: try reader.int("tile_width", in: 0...DataLimits.maxTileSide),
            tileHeight: try reader.int("tile_height", in: 0...DataLimits.maxTileSide),
            tileSourceType: try reader.int("tile_source_type"),
            fileExtension: reader.optionalString("file_extension") ?? "",
            position: try reader.optionalInt("position") ?? 0)
    }
}

/// Shared pieces of reading CATMAID's JSON answers with messages that name the key and the source.
enum CatmaidJSON {
    static func parseObject(_ data: Data, source: String, expecting: String) throws(ConnectomeError) -> JSONValue {
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw notJSON(data, source: source, expecting: expecting)
        }
        try rejectErrorAnswer(json, source: source)
        guard json.objectValue != nil else {
            throw ConnectomeError.data("\(source) is not \(expecting): found \(kind(of: json))",
                                       hint: "check the server URL, project id and stack id")
        }
        return json
    }

    static func notJSON(_ data: Data, source: String, expecting: String) -> ConnectomeError {
        let text = String(decoding: data.prefix(80), as: UTF8.self)
        let looksHTML = text.lowercased().contains("<html") || text.lowercased().contains("<!doctype")
        return ConnectomeError.data(
            "\(source) is not \(expecting): the answer is \(looksHTML ? "an HTML page" : "not JSON") "
                + "(starts with \(String(reflecting: String(text.prefix(40)))))",
            hint: looksHTML
                ? "the URL may point at CATMAID's web front end or a login page rather than its API; check the server URL"
                : "check that the server URL is a CATMAID instance")
    }

    /// CATMAID reports failures as `{"error": "…", "type": "…"}` with status 200 on some versions.
    static func rejectErrorAnswer(_ json: JSONValue, source: String) throws(ConnectomeError) {
        guard let message = json["error"]?.stringValue else { return }
        let type = json["type"]?.stringValue.map { " (\($0))" } ?? ""
        let isAuth = type.contains("Permission") || message.lowercased().contains("permission")
        throw ConnectomeError(isAuth ? .auth : .data, "CATMAID answered \(source) with an error\(type): \(message)",
                              hint: isAuth ? "connect again with an API token: catmaid \"URL\" token=\"…\"" : "check the project and stack ids")
    }

    static func kind(of json: JSONValue) -> String {
        switch json {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .uint, .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object(let object): "an object with keys \(object.keys.sorted().prefix(8).joined(separator: ", "))"
        }
    }

    struct Reader {
        let json: JSONValue
        let source: String
        let what: String

        func missing(_ key: String, _ expected: String) -> ConnectomeError {
            ConnectomeError.data("\(source): the \(what) has no \(expected) '\(key)'"
                                    + (json[key].map { " (found \(CatmaidJSON.kind(of: $0)))" } ?? ""),
                                 hint: "this does not look like a CATMAID answer; check the server URL")
        }

        func int(_ key: String) throws(ConnectomeError) -> Int {
            guard let value = try optionalInt(key) else { throw missing(key, "integer") }
            return value
        }

        func optionalInt(_ key: String) throws(ConnectomeError) -> Int? {
            guard let value = json[key], !value.isNull else { return nil }
            if let int = value.intValue { return int }
            if let text = value.stringValue, let int = Int(text) { return int }
            throw missing(key, "integer")
        }

        func string(_ key: String) throws(ConnectomeError) -> String {
            guard let value = json[key]?.stringValue else { throw missing(key, "string") }
            return value
        }

        /// An integer that must lie in `range` (the format's minimum and the kernel's limit).
        func int(_ key: String, in range: ClosedRange<Int>) throws(ConnectomeError) -> Int {
            let value = try int(key)
            guard range.contains(value) else {
                throw ConnectomeError.outOfRange(source, field: key, value: value,
                                                 allowed: "\(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        func optionalString(_ key: String) -> String? { json[key]?.stringValue }

        func array(_ key: String) throws(ConnectomeError) -> [JSONValue] {
            guard let value = json[key] else { return [] }
            guard let array = value.arrayValue else { throw missing(key, "list") }
            return array
        }

        static func number(_ value: JSONValue?) -> Double? {
            if let double = value?.doubleValue { return double }
            return value?.stringValue.flatMap(Double.init)
        }

        func vectorValue(_ value: JSONValue, key: String) throws(ConnectomeError) -> StackVector {
            if let array = value.arrayValue, array.count == 3,
               let x = Self.number(array[0]), let y = Self.number(array[1]), let z = Self.number(array[2]) {
                return StackVector(x: x, y: y, z: z)
            }
            guard let x = Self.number(value["x"]), let y = Self.number(value["y"]), let z = Self.number(value["z"]) else {
                throw missing(key, "{x, y, z} object")
            }
            return StackVector(x: x, y: y, z: z)
        }

        func vector(_ key: String) throws(ConnectomeError) -> StackVector {
            guard let value = json[key] else { throw missing(key, "{x, y, z} object") }
            return try vectorValue(value, key: key)
        }

        func optionalVector(_ key: String) throws(ConnectomeError) -> StackVector? {
            guard let value = json[key], !value.isNull else { return nil }
            return try vectorValue(value, key: key)
        }

        func extent(_ key: String) throws(ConnectomeError) -> StackExtent {
            guard let extent = try optionalExtent(key) else { throw missing(key, "{x, y, z} object") }
            return extent
        }

        func optionalExtent(_ key: String) throws(ConnectomeError) -> StackExtent? {
            guard let vector = try optionalVector(key) else { return nil }
            guard let x = Int(exactly: vector.x), let y = Int(exactly: vector.y), let z = Int(exactly: vector.z) else {
                throw ConnectomeError.data("\(source): '\(key)' \(vector) is not whole voxels")
            }
            return StackExtent(x: x, y: y, z: z)
        }

        func downsampleFactors() throws(ConnectomeError) -> [StackVector]? {
            guard let value = json["downsample_factors"], !value.isNull else { return nil }
            guard let list = value.arrayValue else { throw missing("downsample_factors", "list or null") }
            if list.isEmpty { return nil }
            return try list.map { item throws(ConnectomeError) in try vectorValue(item, key: "downsample_factors") }
        }

        func brokenSections() throws(ConnectomeError) -> BrokenSections {
            guard let value = json["broken_slices"], !value.isNull else { return BrokenSections() }
            if let list = value.arrayValue {
                return BrokenSections(list.compactMap(\.intValue))
            }
            guard let object = value.objectValue else { throw missing("broken_slices", "{\"<index>\": 1} object") }
            var indices: [Int] = []
            for key in object.keys {
                guard let index = Int(key) else {
                    throw ConnectomeError.data("\(source): broken slice key '\(key)' is not a section index")
                }
                indices.append(index)
            }
            return BrokenSections(indices)
        }

        func placeholderColor() throws(ConnectomeError) -> PlaceholderColor? {
            guard let value = json["placeholder_color"], !value.isNull else { return nil }
            guard let r = Self.number(value["r"]), let g = Self.number(value["g"]), let b = Self.number(value["b"]) else {
                throw missing("placeholder_color", "{r, g, b, a} object")
            }
            let a = Self.number(value["a"]) ?? 1
            // Some exports write 0…255; CATMAID itself stores 0…1.
            let scale = max(r, g, b) > 1 ? 255.0 : 1.0
            return PlaceholderColor(r: r / scale, g: g / scale, b: b / scale, a: a > 1 ? a / 255 : a)
        }
    }
}
